import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The handlers' logger and metrics, silenced so a benchmark's output is its figures. */
export function quietTelemetry(): { logger: Logger; metrics: Metrics } {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return { logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'EcsSchedulersBench' }) };
}
