import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { RunLedger } from '../shared/ledger/run-ledger.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import type { CronRule } from '../shared/rules/cron/rule.js';
import { sqsEarlyDelete } from '../shared/queues/early-delete.js';
import { SharedScans } from '../shared/state/shared-scan.js';
import { sqlite } from '../shared/state/sqlite.js';
import { functionContext, invocationTime } from './context.js';
import { requiredEnv, rulesFromFile } from './environment.js';

// From the runner's rules layer: a cluster's rules do not fit in the function's 4 KB environment.
const rules = rulesFromFile<CronRule>('CRON_RULES_FILE');
const shared = {
  ...functionContext(),
  rules: new Map(rules.map((rule) => [rule.name, rule])),
  ledger: new RunLedger(new DynamoDBClient({}), requiredEnv('LEDGER_TABLE_NAME')),
  // Module scope: the slots this warm instance runs share its cluster's instance scan, within its freshness bound.
  instanceScans: new SharedScans(),
};
const sqs = new SQSClient({});

/**
 * Compiles SQLite during the function's init phase rather than in the first invocation. Resolves
 * false if that failed; the first snapshot then tries again and reports the error.
 */
export const warmedUp: Promise<boolean> = sqlite().then(
  () => true,
  () => false,
);

/** One batch of the cluster's cron queue; failed messages (and the later ones of their rule's group) come back to the queue. */
export async function handler(event: SQSEvent, lambda: Context): Promise<SQSBatchResponse> {
  // A rule's group done while another waits for capacity is deleted at once, not when the batch ends.
  const context: CronContext = { ...shared, ...invocationTime(lambda), deleteEarly: sqsEarlyDelete(sqs, event.Records) };
  return handleCronBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body, groupId: record.attributes.MessageGroupId })),
    context,
  );
}
