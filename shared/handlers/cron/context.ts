import type { RunLedger } from '../../ledger/run-ledger.js';
import type { CronRule } from '../../rules/cron/rule.js';
import type { SharedScans } from '../../state/shared-scan.js';
import type { HandlerContext } from '../context.js';

/** What the cron handler needs beyond every handler's context. */
export interface CronContext extends HandlerContext {
  /** The rules this function serves, by name; one function may serve several. */
  rules: ReadonlyMap<string, CronRule>;
  /** The durable record of every slot: the once-per-slot claim, run outcomes, retries, history. */
  ledger: RunLedger;
  /**
   * The function's instance scans, reused by its slots within a freshness bound (see
   * SharedScans). Default: each attempt at a slot scans the cluster itself.
   */
  instanceScans?: SharedScans;
  /**
   * Deletes messages of this batch from the queue now, before the invocation returns. Lambda
   * deletes a batch's handled messages only then, and a FIFO group with a message in flight
   * delivers nothing more: a group done while another waits for capacity would wait with it.
   * Default: none (the messages are deleted when the batch is answered).
   */
  deleteEarly?: (messageIds: readonly string[]) => Promise<void>;
}

/** SQS partial batch response (the event source mapping needs ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
