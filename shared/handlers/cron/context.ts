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
}

/** SQS partial batch response (the event source mapping needs ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}
