import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleDaemonBatch, type DaemonContext } from '../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../shared/handlers/daemon/memory.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { sqlite } from '../shared/state/sqlite.js';
import { functionContext, invocationTime } from './context.js';
import { ruleFromEnv } from './environment.js';

// Module scope lives as long as the warm function: clients, and the memory of the last
// reconcile that lets covered events cost nothing.
const rule = ruleFromEnv<DaemonRule>('DAEMON_RULE');
const shared = { ...functionContext(), rule, memory: new DaemonMemory(daemonKey(rule)) };

/**
 * Compiles SQLite during the function's init phase rather than in the first invocation. Resolves
 * false if that failed; the first snapshot then tries again and reports the error.
 */
export const warmedUp: Promise<boolean> = sqlite().then(
  () => true,
  () => false,
);

/** One batch of the daemon rule's FIFO queue. Throws when the reconcile fails, so SQS retries the batch. */
export async function handler(event: SQSEvent, lambda: Context): Promise<void> {
  const context: DaemonContext = { ...shared, ...invocationTime(lambda) };
  await handleDaemonBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body, receiveCount: receiveCount(record) })),
    context,
  );
}

/** SQS's ApproximateReceiveCount; a record without it (an event made by hand) counts as a first receive. */
function receiveCount(record: SQSRecord): number | undefined {
  const count = Number((record.attributes as Partial<SQSRecord['attributes']> | undefined)?.ApproximateReceiveCount);
  return Number.isInteger(count) ? count : undefined;
}
