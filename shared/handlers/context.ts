import { setTimeout } from 'node:timers/promises';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventPublisher } from '../report/publisher.js';
import type { ReadPacer } from '../state/read-pacer.js';

/**
 * The clock a handler reads: the Lambda's in AWS, a simulated one in tests, the benchmark and
 * local mode, so that waits and deadlines play out without real waiting.
 */
export interface HandlerClock {
  now(): Date;
  /** Waits, e.g. between capacity retries; a test's moves its clock instead. */
  sleep(ms: number): Promise<void>;
  /** The Lambda context's getRemainingTimeInMillis. */
  remainingTimeMs(): number;
}

/** The machine's clock, for a handler that waits in real time (in Lambda, the CLI, a benchmark on a live emulator). */
export const systemClock: Pick<HandlerClock, 'now' | 'sleep'> = {
  now: () => new Date(),
  sleep: (ms) => setTimeout(ms).then(() => undefined),
};

/** What every scheduler handler needs from its Lambda (or a test, the benchmark, local mode). */
export interface HandlerContext extends HandlerClock {
  ecs: ECSClient;
  publisher: EventPublisher;
  logger: Logger;
  metrics: Metrics;
  /** Paces the snapshot's reads. Default: the process's shared pacer. */
  readPacer?: ReadPacer;
}

/** One queue message, as SQS hands it to Lambda. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** SQS's ApproximateReceiveCount: 1 on the first receive. Unknown counts as the first. */
  receiveCount?: number;
  /** Its FIFO message group (SQS's MessageGroupId). Messages without one are one group. */
  groupId?: string;
}
