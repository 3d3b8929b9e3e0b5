import { LedgerConflictError } from '../../ledger/run-ledger.js';
import { currentAttempt, SLOT_STATE, type CopyRecord, type SlotRecord } from '../../ledger/slot-record.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import type { Placement } from '../../report/result-events.js';
import { cronAttemptKey, type CronRule } from '../../rules/cron/rule.js';
import { slotTerms, type Retry } from '../../rules/cron/slot-terms.js';
import { describeCopies } from '../../state/describe-copies.js';
import { TaskStatus } from '../../state/types.js';
import type { CronContext } from './context.js';
import { runSlot } from './run-slot.js';

/**
 * One slot through the run ledger: claim it (a conditional write, before any StartTask), run the
 * attempt the record names, and write what came of it. The claim is the once-per-slot guard and
 * does not expire with ECS's memory of stopped tasks; the startedBy check inside runSlot stays as
 * the second guard (a claimed slot whose invocation died is resumed, starting only what is missing).
 *
 * A slot the ledger already has past its claim (running, retrying, or ended) starts nothing and is
 * reported skipped as complete, with the state the ledger holds.
 */
export async function runLedgeredSlot(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', context: CronContext): Promise<CronSlotOutcome> {
  const now = context.now().toISOString();
  const { record } = await context.ledger.claim({
    rule: rule.name,
    slot: slot.toISOString(),
    trigger,
    state: SLOT_STATE.Claimed,
    count: rule.count ?? 1,
    attempts: [{ number: 1, startedBy: cronAttemptKey(rule, slot, 1), copies: [] }],
    claimedAt: now,
    updatedAt: now,
    revision: 0,
  });
  if (record.state !== SLOT_STATE.Claimed) return alreadyBegun(rule, record, context);
  return runClaimed(rule, record, context);
}

/** Runs the attempt a Claimed record names, and records the outcome. */
export async function runClaimed(rule: CronRule, record: SlotRecord, context: CronContext): Promise<CronSlotOutcome> {
  const outcome = await runSlot(rule, new Date(record.slot), record.trigger, context, retryOf(record));
  await settle(record, outcome, context);
  return outcome;
}

/** The retry a record's current attempt is, if it is not the first. */
export function retryOf(record: SlotRecord): Retry | undefined {
  const attempt = currentAttempt(record);
  if (!attempt || attempt.number <= 1) return undefined;
  return { number: attempt.number, dueAt: new Date(attempt.dueAt ?? record.retryAt ?? record.slot) };
}

/**
 * Writes what an invocation did with the slot: Running with the copies (the outcome is learned
 * when they stop), Skipped with the reason, or Failed. A retry that cannot begin ends the slot
 * Failed: its last run failed. A write refused because another invocation moved the record on is
 * logged and left to that invocation.
 */
async function settle(record: SlotRecord, outcome: CronSlotOutcome, context: CronContext): Promise<void> {
  const now = context.now().toISOString();
  const attempt = currentAttempt(record)!;
  const copies: CopyRecord[] = outcome.copies.map(({ taskArn, containerInstanceArn, ec2InstanceId }) => ({ taskArn, containerInstanceArn, ec2InstanceId }));
  const withCopies = { ...attempt, copies, startedAt: attempt.startedAt ?? (copies.length > 0 ? now : undefined) };
  const base = { ...record, clusterArn: outcome.clusterArn, attempts: [...record.attempts.slice(0, -1), withCopies], updatedAt: now };
  let next: SlotRecord;
  if (outcome.status === 'started' || (outcome.status === 'skipped' && outcome.reason === 'slot-complete')) {
    next = { ...base, state: SLOT_STATE.Running };
  } else if (outcome.status === 'skipped' && attempt.number === 1) {
    next = { ...base, state: SLOT_STATE.Skipped, reason: `${outcome.reason}: ${outcome.detail}`, finishedAt: now };
  } else {
    const why = outcome.status === 'failed' ? outcome.reasons.join('; ') : `attempt ${attempt.number} could not begin: ${outcome.reason}: ${outcome.detail}`;
    next = { ...base, state: SLOT_STATE.Failed, reason: why, finishedAt: now };
  }
  try {
    await context.ledger.update(next);
  } catch (error) {
    if (!(error instanceof LedgerConflictError)) throw error;
    context.logger.warn('another invocation moved this slot\'s ledger record on; its record stands', { rule: record.rule, slot: record.slot, state: error.current?.state });
  }
}

/**
 * A redelivered slot the ledger already has begun: nothing starts, and the report says what the
 * ledger holds, with the copies as ECS describes them now (one DescribeTasks; a copy ECS no longer
 * lists stopped long ago).
 */
async function alreadyBegun(rule: CronRule, record: SlotRecord, context: CronContext): Promise<CronSlotOutcome> {
  const slot = new Date(record.slot);
  const recorded = currentAttempt(record)?.copies ?? [];
  const states = recorded.length > 0 ? await describeCopies(context.ecs, rule.cluster, recorded.map((copy) => copy.taskArn)) : new Map();
  const copies: Placement[] = recorded.map((copy) => ({
    taskArn: copy.taskArn,
    containerInstanceArn: copy.containerInstanceArn,
    ec2InstanceId: copy.ec2InstanceId,
    lastStatus: (states.get(copy.taskArn)?.lastStatus as TaskStatus | undefined) ?? TaskStatus.Stopped,
  }));
  const { key, deadline } = slotTerms(rule, slot, record.trigger, retryOf(record));
  return {
    rule: rule.name,
    clusterArn: record.clusterArn ?? rule.cluster,
    slot,
    trigger: record.trigger,
    startedBy: key,
    count: record.count,
    deadline,
    attempts: 0,
    replaced: [],
    conflicts: 0,
    apiCalls: 0,
    throttles: 0,
    status: 'skipped',
    reason: 'slot-complete',
    detail: `the run ledger has slot ${record.slot} as ${record.state}${record.reason ? ` (${record.reason})` : ''}, attempt ${currentAttempt(record)?.number ?? 1}`,
    copies,
  };
}
