import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { ATTEMPT_OUTCOME, type AttemptRecord, type SlotRecord } from '../ledger/slot-record.js';
import type { EventPublisher } from './publisher.js';
import type { CronRunEndedDetail, ResultEventOf } from './result-events.js';
import { DetailType, MetricName, ruleDimensions } from './vocabulary.js';

type Sinks = { logger: Logger; metrics: Metrics; publisher: EventPublisher };

/** One attempt of a slot that ended, as the ledger recorded it. */
export interface RunEnded {
  record: SlotRecord;
  attempt: AttemptRecord;
  /** Attempts the rule allows per slot: 1 + retries. */
  maxAttempts: number;
}

/**
 * How a run ended, three ways: a log line; metrics RunsSucceeded, RunsFailed (a slot's last
 * attempt only: what the failure alarm watches), RunsRetried and RunDurationSeconds; and a 'Cron
 * Run Succeeded' or 'Cron Run Failed' event with each copy's exit. A run the scheduler stopped
 * itself (maxRunSeconds, Replace) is logged only: its stop was reported when it was made.
 */
export async function reportRunEnd(ended: RunEnded, sinks: Sinks): Promise<void> {
  const { attempt } = ended;
  const event = runEndEvent(ended);
  const fields = { ...event?.detail, outcome: attempt.outcome };
  if (attempt.outcome === ATTEMPT_OUTCOME.Succeeded) sinks.logger.info('cron run succeeded', fields);
  else if (attempt.outcome === ATTEMPT_OUTCOME.Failed) sinks.logger[ended.record.retryAt ? 'warn' : 'error']('cron run failed', fields);
  else sinks.logger.info('cron run stopped by the scheduler', { rule: ended.record.rule, slot: ended.record.slot, attempt: attempt.number, reasons: attempt.reasons });

  const { metrics } = sinks;
  metrics.addDimensions(ruleDimensions(ended.record.rule, 'cron'));
  metrics.addMetric(MetricName.RunsSucceeded, MetricUnit.Count, attempt.outcome === ATTEMPT_OUTCOME.Succeeded ? 1 : 0);
  metrics.addMetric(MetricName.RunsFailed, MetricUnit.Count, attempt.outcome === ATTEMPT_OUTCOME.Failed && !ended.record.retryAt ? 1 : 0);
  metrics.addMetric(MetricName.RunsRetried, MetricUnit.Count, attempt.outcome === ATTEMPT_OUTCOME.Failed && ended.record.retryAt ? 1 : 0);
  const duration = durationSeconds(attempt);
  if (duration !== undefined) metrics.addMetric(MetricName.RunDurationSeconds, MetricUnit.Seconds, duration);
  metrics.publishStoredMetrics();

  if (event) await sinks.publisher.publish([event]);
}

type RunEndEvent = ResultEventOf<typeof DetailType.CronRunSucceeded> | ResultEventOf<typeof DetailType.CronRunFailed>;

export function runEndEvent({ record, attempt, maxAttempts }: RunEnded): RunEndEvent | undefined {
  if (attempt.outcome !== ATTEMPT_OUTCOME.Succeeded && attempt.outcome !== ATTEMPT_OUTCOME.Failed) return undefined;
  const detail: CronRunEndedDetail = {
    rule: record.rule,
    cluster: record.clusterArn ?? '',
    slot: record.slot,
    trigger: record.trigger,
    startedBy: attempt.startedBy,
    attempt: attempt.number,
    maxAttempts,
    ...(attempt.startedAt && { startedAt: attempt.startedAt }),
    endedAt: attempt.endedAt ?? record.updatedAt,
    ...(durationSeconds(attempt) !== undefined && { durationSeconds: durationSeconds(attempt) }),
    copies: attempt.copies.map((copy) => ({ ...copy, containers: copy.containers ?? [] })),
    reasons: attempt.reasons ?? [],
    ...(record.retryAt && { retryAt: record.retryAt }),
  };
  const resources = [...(record.clusterArn ? [record.clusterArn] : []), ...attempt.copies.map((copy) => copy.taskArn)];
  return attempt.outcome === ATTEMPT_OUTCOME.Succeeded ? { detailType: DetailType.CronRunSucceeded, detail, resources } : { detailType: DetailType.CronRunFailed, detail, resources };
}

function durationSeconds(attempt: AttemptRecord): number | undefined {
  if (!attempt.startedAt || !attempt.endedAt) return undefined;
  return Math.max(0, Math.round((Date.parse(attempt.endedAt) - Date.parse(attempt.startedAt)) / 1000));
}
