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

  /** The metric names of the last published document, in the order they were added. */
  lastNames(): string[] {
    return this.published.at(-1)?._aws.CloudWatchMetrics.flatMap((group) => group.Metrics.map((metric) => metric.Name)) ?? [];
  }

  /** The dimension names of the last published document. */
  lastDimensions(): string[] {
    return this.published.at(-1)?._aws.CloudWatchMetrics.flatMap((group) => group.Dimensions.flat()) ?? [];
  }

  /** The value of a metric in the last published document. */
  last(name: string): unknown {
    return (this.published.at(-1) as Record<string, unknown> | undefined)?.[name];
  }
}

export function silentLogger(): Logger {
  return new Logger({ serviceName: 'test', logLevel: 'SILENT' });
}
