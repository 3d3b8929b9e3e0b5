import { randomUUID } from 'node:crypto';
import { claimedRetry, LedgerConflictError } from '../../ledger/run-ledger.js';
import { currentAttempt, SLOT_STATE, type SlotRecord } from '../../ledger/slot-record.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import { cronAttemptKey, type CronRule } from '../../rules/cron/rule.js';
import type { CronContext } from './context.js';
import { completeBy, lease, runClaimed, SlotLeasedError, takeOver } from './slot-ledger.js';

/**
 * The periodic retry pass of one rule: each slot waiting for a retry whose time has come is
 * claimed for its next attempt (a conditional write: a pass that runs twice begins it once) and
 * run like a slot, with the same placement, overlap policy and a starting deadline counted from
 * when the retry was due. A retry claimed by a pass that died is taken over by a later pass once
 * its lease has run out, and completed like any begun slot, until its completion bound.
 */
export async function beginDueRetries(rule: CronRule, context: CronContext): Promise<CronSlotOutcome[]> {
  const due = await context.ledger.retriesDue(rule.name, context.now());
  const outcomes: CronSlotOutcome[] = [];
  for (const record of due) {
    if (claimedRetry(record)) {
      const taken = await resumeRetry(record, context);
      if (taken) outcomes.push(await runClaimed(rule, taken, context, true));
      continue;
    }
    const claimed = await claimRetry(rule, record, context);
    if (claimed) outcomes.push(await runClaimed(rule, claimed, context));
  }
  return outcomes;
}

async function claimRetry(rule: CronRule, record: SlotRecord, context: CronContext): Promise<SlotRecord | undefined> {
  const number = (currentAttempt(record)?.number ?? 0) + 1;
  const { retryAt, ...rest } = record;
  const now = context.now();
  try {
    return await context.ledger.update({
      ...rest,
      state: SLOT_STATE.Claimed,
      ...lease(randomUUID(), context),
      completeBy: completeBy(rule, now, context),
      attempts: [...record.attempts, { number, startedBy: cronAttemptKey(rule, new Date(record.slot), number), dueAt: retryAt, copies: [] }],
      updatedAt: now.toISOString(),
    });
  } catch (error) {
    if (error instanceof LedgerConflictError) return undefined;
    throw error;
  }
}

/** A claimed retry whose holder's lease has run out, taken over; undefined while the holder still runs. */
async function resumeRetry(record: SlotRecord, context: CronContext): Promise<SlotRecord | undefined> {
  try {
    return await takeOver(record, randomUUID(), context);
  } catch (error) {
    if (!(error instanceof SlotLeasedError)) throw error;
    context.logger.info('a retry is being run by another invocation; the next pass looks again', { rule: record.rule, slot: record.slot, owner: error.owner });
    return undefined;
  }
}
