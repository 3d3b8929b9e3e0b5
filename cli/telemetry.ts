import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../shared/report/vocabulary.js';

export interface LogEntry {
  level: string;
  message: string;
  attributes: Record<string, unknown>;
}

type LogArgs = Parameters<Logger['info']>;

/**
 * The handlers' Logger, for a terminal: it captures each log call instead of printing it, and
 * echoes it as a JSON line on stderr with --debug. A Lambda's log lines on the CLI's stdout
 * would break --json.
 */
export class CapturingLogger extends Logger {
  constructor(private readonly echo?: (entry: LogEntry) => void) {
    super({ serviceName: 'ecs-sched', logLevel: 'SILENT' });
  }

  override debug(...args: LogArgs): void {
    this.capture('DEBUG', args);
  }

  override info(...args: LogArgs): void {
    this.capture('INFO', args);
  }

  override warn(...args: LogArgs): void {
    this.capture('WARN', args);
  }

  override error(...args: LogArgs): void {
    this.capture('ERROR', args);
  }

  override critical(...args: LogArgs): void {
    this.capture('CRITICAL', args);
  }

  private capture(level: string, [input, ...extra]: LogArgs): void {
    const { message, ...fromInput } = typeof input === 'string' ? { message: input } : input;
    const attributes: Record<string, unknown> = { ...fromInput };
    for (const item of extra) {
      if (item instanceof Error) attributes.error = { name: item.name, message: item.message };
      else if (typeof item === 'string') attributes.extra = item;
      else Object.assign(attributes, item);
    }
    const entry: LogEntry = { level, message: String(message), attributes };
    this.echo?.(entry);
  }
}

/** The handlers' Metrics, without the EMF documents a Lambda prints for CloudWatch. */
export class QuietMetrics extends Metrics {
  constructor() {
    super({ namespace: METRICS_NAMESPACE, serviceName: 'ecs-sched' });
  }

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    return this;
  }
}
