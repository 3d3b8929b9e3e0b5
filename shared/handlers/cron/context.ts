import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventPublisher } from '../../report/publisher.js';
import type { CronRule } from '../../rules/cron/rule.js';
import type { ReadPacer } from '../../state/read-pacer.js';

/** What the cron handler needs from its Lambda (or a test, the benchmark, local mode). */
export interface CronContext {
  /** The rules this function serves, by name; one function may serve several. */
  rules: ReadonlyMap<string, CronRule>;
  ecs: ECSClient;
  publisher: EventPublisher;
  logger: Logger;
  metrics: Metrics;
  now(): Date;
  /** Waits between capacity retries; tests pass one that moves their clock instead. */
  sleep(ms: number): Promise<void>;
  /** The Lambda context's getRemainingTimeInMillis. */
  remainingTimeMs(): number;
  /** Paces the snapshot's reads. Default: the process's shared pacer. */
  readPacer?: ReadPacer;
}

/** One queue message, as SQS hands it to Lambda. */
export interface QueueMessage {
  messageId: string;
  body: string;
}

/** SQS partial batch response (the event source mapping needs ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
