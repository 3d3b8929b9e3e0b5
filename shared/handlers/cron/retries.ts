import { LedgerConflictError } from '../../ledger/run-ledger.js';
import { currentAttempt, SLOT_STATE, type SlotRecord } from '../../ledger/slot-record.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import { cronAttemptKey, type CronRule } from '../../rules/cron/rule.js';
import type { CronContext } from './context.js';
import { randomUUID } from 'node:crypto';
import { lease, runClaimed } from './slot-ledger.js';

/**
 * The periodic retry pass of one rule: each slot waiting for a retry whose time has come is
 * claimed for its next attempt (a conditional write: a pass that runs twice begins it once) and
 * run like a slot, with the same placement, overlap policy and a starting deadline counted from
 * when the retry was due.
 */
export async function beginDueRetries(rule: CronRule, context: CronContext): Promise<CronSlotOutcome[]> {
  const due = await context.ledger.retriesDue(rule.name, context.now());
  const outcomes: CronSlotOutcome[] = [];
  for (const record of due) {
    const claimed = await claimRetry(rule, record, context);
    if (claimed) outcomes.push(await runClaimed(rule, claimed, context));
  }
  return outcomes;
}

async function claimRetry(rule: CronRule, record: SlotRecord, context: CronContext): Promise<SlotRecord | undefined> {
  const number = (currentAttempt(record)?.number ?? 0) + 1;
  const { retryAt, ...rest } = record;
  try {
    return await context.ledger.update({
      ...rest,
      state: SLOT_STATE.Claimed,
      ...lease(randomUUID(), context),
      attempts: [...record.attempts, { number, startedBy: cronAttemptKey(rule, new Date(record.slot), number), dueAt: retryAt, copies: [] }],
      updatedAt: context.now().toISOString(),
    });
  } catch (error) {
    if (error instanceof LedgerConflictError) return undefined;
    throw error;
  }
}
