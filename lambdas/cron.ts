import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { RunLedger } from '../shared/ledger/run-ledger.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import type { CronRule } from '../shared/rules/cron/rule.js';
import { sqlite } from '../shared/state/sqlite.js';
import { functionContext, invocationTime } from './context.js';
import { requiredEnv, ruleFromEnv } from './environment.js';

const rule = ruleFromEnv<CronRule>('CRON_RULE');
const shared = {
  ...functionContext(),
  rules: new Map([[rule.name, rule]]),
  ledger: new RunLedger(new DynamoDBClient({}), requiredEnv('LEDGER_TABLE_NAME')),
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
  const context: CronContext = { ...shared, ...invocationTime(lambda) };
  return handleCronBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    context,
  );
}
