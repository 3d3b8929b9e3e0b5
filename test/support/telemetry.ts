import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Metrics that keep each published EMF document instead of printing it. */
export class CapturingMetrics extends Metrics {
  readonly published: Array<ReturnType<Metrics['serializeMetrics']>> = [];

  constructor() {
    super({ namespace: 'EcsSchedulersTest', serviceName: 'test' });
  }

  override publishStoredMetrics(): this {
    this.published.push(this.serializeMetrics());
    this.clearMetrics();
    this.clearDimensions();
    return this;
  }

  /** The value of a metric in the last published document. */
  last(name: string): unknown {
    return (this.published.at(-1) as Record<string, unknown> | undefined)?.[name];
  }
}

export function silentLogger(): Logger {
  return new Logger({ serviceName: 'test', logLevel: 'SILENT' });
}
