import { randomUUID } from 'node:crypto';
import { LedgerConflictError } from '../../ledger/run-ledger.js';
import { completionBoundSeconds, cronRunnerTimeouts, MAX_FUNCTION_SECONDS } from '../../queues/timeouts.js';
import { currentAttempt, SLOT_STATE, type CopyRecord, type SlotRecord } from '../../ledger/slot-record.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import type { Placement } from '../../report/result-events.js';
import { cronAttemptKey, type CronRule } from '../../rules/cron/rule.js';
import { slotTerms, type Retry } from '../../rules/cron/slot-terms.js';
import { describeCopies } from '../../state/describe-copies.js';
import { TaskStatus } from '../../state/types.js';
import type { CronContext } from './context.js';
import { runSlot } from './run-slot.js';

/** Another invocation holds the slot's claim: this delivery yields, and its message comes back after the visibility timeout. */
export class SlotLeasedError extends Error {
  override readonly name = 'SlotLeasedError';
  constructor(
    readonly rule: string,
    readonly slot: string,
    readonly owner: string | undefined,
    readonly leaseUntil: string | undefined,
  ) {
    super(`slot ${slot} of rule ${rule} is being run by invocation ${owner ?? 'unknown'} (lease until ${leaseUntil ?? 'unknown'}); this delivery yields and comes back`);
  }
}

/**
 * One slot through the run ledger: claim it (a conditional write, before any StartTask), run the
 * attempt the record names, and write what came of it. The claim is the once-per-slot guard and
 * does not expire with ECS's memory of stopped tasks; the startedBy check inside runSlot stays as
 * the second guard.
 *
 * The claim carries an owner and a lease, the owner's own function deadline (it cannot run past
 * it). A delivery that finds the slot Claimed:
 * - while the lease runs, yields (SlotLeasedError): the message fails and comes back after the
 *   visibility timeout, by when the holder has finished or died. Waiting here instead would hold
 *   a second function for as long, and could only end the same way;
 * - once the lease is over, takes the claim over (a write conditional on the record's revision, so
 *   of two takers one wins) and completes the slot: it has begun, so the starting deadline no
 *   longer applies, only its completion bound, and it ends with its copies or as a failure. A
 *   claim written after the starting deadline is no beginning: that slot is held to its deadline.
 *
 * A slot the ledger already has past its claim (running, retrying, or ended) starts nothing and is
 * reported skipped as complete, with the state the ledger holds.
 */
export async function runLedgeredSlot(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', context: CronContext): Promise<CronSlotOutcome> {
  const now = context.now();
  const at = now.toISOString();
  const owner = randomUUID();
  const { claimed, record } = await context.ledger.claim({
    rule: rule.name,
    slot: slot.toISOString(),
    trigger,
    state: SLOT_STATE.Claimed,
    count: rule.count ?? 1,
    attempts: [{ number: 1, startedBy: cronAttemptKey(rule, slot, 1), copies: [] }],
    claimedAt: at,
    ...lease(owner, context),
    completeBy: completeBy(rule, now, context),
    updatedAt: at,
    revision: 0,
  });
  if (claimed) return runClaimed(rule, record, context, false, true);
  if (record.state !== SLOT_STATE.Claimed) return alreadyBegun(rule, record, context);
  const taken = await takeOver(record, owner, context);
  const { deadline, enforceDeadline } = slotTerms(rule, slot, record.trigger, retryOf(record));
  const begunInTime = !enforceDeadline || new Date(record.claimedAt) <= deadline;
  return runClaimed(rule, taken, context, begunInTime);
}

/**
 * A slot claimed at `now` is completed until here: every redelivery its queue can still make. The
 * queue is the one the function drains, whose timeouts follow the longest rule of its cluster.
 */
export function completeBy(rule: CronRule, now: Date, context: CronContext): string {
  const served = [...context.rules.values()].filter((other) => other.cluster === rule.cluster);
  return new Date(now.getTime() + completionBoundSeconds(cronRunnerTimeouts([rule, ...served])) * 1000).toISOString();
}

/**
 * The lease a claim carries: this invocation, until its function's own deadline (no function
 * outlives Lambda's 900 s; a caller without a deadline, such as the CLI, holds it that long).
 */
export function lease(owner: string, context: CronContext): Pick<SlotRecord, 'owner' | 'leaseUntil'> {
  const ms = Math.min(context.remainingTimeMs(), MAX_FUNCTION_SECONDS * 1000);
  return { owner, leaseUntil: new Date(context.now().getTime() + ms).toISOString() };
}

/** Takes over a Claimed record whose lease is over, or yields to the invocation that holds it. */
export async function takeOver(record: SlotRecord, owner: string, context: CronContext): Promise<SlotRecord> {
  const yieldTo = (held: SlotRecord | undefined) => new SlotLeasedError(record.rule, record.slot, held?.owner, held?.leaseUntil);
  if (record.leaseUntil !== undefined && new Date(record.leaseUntil) > context.now()) throw yieldTo(record);
  try {
    return await context.ledger.update({ ...record, ...lease(owner, context), updatedAt: context.now().toISOString() });
  } catch (error) {
    if (error instanceof LedgerConflictError) throw yieldTo(error.current);
    throw error;
  }
}

/**
 * Runs the attempt a Claimed record names, and records the outcome. `resumed`: an earlier
 * delivery began the slot in time, so it is completed until the record's completion bound.
 * `claimedNow`: this invocation wrote the first claim of the slot, so nothing has started yet.
 */
export async function runClaimed(rule: CronRule, record: SlotRecord, context: CronContext, resumed = false, claimedNow = false): Promise<CronSlotOutcome> {
  let outcome: CronSlotOutcome;
  try {
    outcome = await runSlot(rule, new Date(record.slot), record.trigger, context, {
      retry: retryOf(record),
      completeBy: record.completeBy === undefined ? undefined : new Date(record.completeBy),
      resumed,
      claimedNow,
    });
  } catch (error) {
    await releaseLease(record, context);
    throw error;
  }
  await settle(record, outcome, context);
  return outcome;
}

/**
 * The message is about to fail and come back: the lease is given back, so the redelivery takes
 * the slot over at once instead of yielding to an invocation that has already ended. Best effort:
 * if the write fails, the lease simply runs out.
 */
async function releaseLease(record: SlotRecord, context: CronContext): Promise<void> {
  try {
    await context.ledger.update({ ...record, leaseUntil: context.now().toISOString(), updatedAt: context.now().toISOString() });
  } catch (error) {
    context.logger.warn('could not give the slot\'s lease back; it runs out on its own', { rule: record.rule, slot: record.slot, error: error as Error });
  }
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
  const extras = new Set(outcome.extrasStopped.map((stop) => stop.taskArn));
  const copies: CopyRecord[] = outcome.copies.filter((copy) => !extras.has(copy.taskArn)).map(({ taskArn, containerInstanceArn, ec2InstanceId }) => ({ taskArn, containerInstanceArn, ec2InstanceId }));
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
 * lists stopped long ago). Copies of an attempt whose end the ledger recorded (from their
 * STOPPED states) are not read again: they are STOPPED.
 */
async function alreadyBegun(rule: CronRule, record: SlotRecord, context: CronContext): Promise<CronSlotOutcome> {
  const slot = new Date(record.slot);
  const attempt = currentAttempt(record);
  const recorded = attempt?.copies ?? [];
  const mayRun = attempt?.endedAt === undefined && recorded.length > 0;
  const states = mayRun ? await describeCopies(context.ecs, rule.cluster, recorded.map((copy) => copy.taskArn), context.readPacer) : new Map();
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
    extrasStopped: [],
    conflicts: 0,
    apiCalls: 0,
    throttles: 0,
    status: 'skipped',
    reason: 'slot-complete',
    detail: `the run ledger has slot ${record.slot} as ${record.state}${record.reason ? ` (${record.reason})` : ''}, attempt ${attempt?.number ?? 1}`,
    copies,
  };
}
