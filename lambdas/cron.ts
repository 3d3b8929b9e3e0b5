import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEcsClient } from '../shared/ecs/client.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import { EventBridgePublisher } from '../shared/report/publisher.js';
import type { CronRule } from '../shared/rules/cron/rule.js';
import { sqlite } from '../shared/state/sqlite.js';
import { requiredEnv, ruleFromEnv } from './environment.js';

const rule = ruleFromEnv<CronRule>('CRON_RULE');
const shared = {
  rules: new Map([[rule.name, rule]]),
  ecs: createEcsClient(),
  publisher: new EventBridgePublisher(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')),
  logger: new Logger(),
  metrics: new Metrics(),
  now: () => new Date(),
  sleep: (ms: number) => sleep(ms).then(() => undefined),
};

/**
 * Compiles SQLite during the function's init phase rather than in the first invocation. Resolves
 * false if that failed; the first snapshot then tries again and reports the error.
 */
export const warmedUp: Promise<boolean> = sqlite().then(
  () => true,
  () => false,
);

/** One batch of the cron rule's FIFO queue; failed messages (and those after them) come back to the queue. */
export async function handler(event: SQSEvent, lambda: Context): Promise<SQSBatchResponse> {
  const context: CronContext = { ...shared, remainingTimeMs: () => lambda.getRemainingTimeInMillis() };
  return handleCronBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    context,
  );
}
