import { LedgerConflictError } from '../../ledger/run-ledger.js';
import { ATTEMPT_OUTCOME, currentAttempt, SLOT_STATE, type AttemptRecord, type CopyRecord, type SlotRecord } from '../../ledger/slot-record.js';
import { nextRetryAt } from '../../rules/cron/retry.js';
import type { CronRule } from '../../rules/cron/rule.js';
import { runOutcome, type CopyState, type RunOutcome } from '../../rules/cron/run-outcome.js';
import { describeCopies } from '../../state/describe-copies.js';
import type { CronContext } from './context.js';
import { CronMessageError } from './messages.js';

/** A copy of one of the rule's runs reached STOPPED (ECS's event, a hint). */
export interface CopyStopped {
  rule: CronRule;
  /** The slot and attempt its startedBy names. */
  slot: Date;
  attempt: number;
  taskArn: string;
}

/**
 * What a stop event came to:
 * - ended: it was the attempt's last copy to stop; the ledger now holds the outcome, and `retryAt`
 *   when another attempt follows;
 * - waiting: other copies of the attempt still run;
 * - stale: a duplicate or late event, for an attempt whose outcome is already recorded.
 */
export type RunEnd =
  | { kind: 'ended'; record: SlotRecord; attempt: AttemptRecord; outcome: Exclude<RunOutcome, { kind: 'running' }>; retryAt?: Date }
  | { kind: 'waiting'; stopped: number; of: number }
  | { kind: 'stale'; state: string };

/**
 * Records how a run ended once its last copy stopped. The event only says that something stopped:
 * the copies' states come from DescribeTasks, the run's identity from the ledger, and the write is
 * conditional on the revision read, so duplicated and reordered events, or two invocations at
 * once, record one outcome and schedule at most one retry.
 */
export async function recordRunEnd(event: CopyStopped, context: CronContext): Promise<RunEnd> {
  const { rule, slot, attempt: number } = event;
  const record = await context.ledger.get(rule.name, slot);
  if (!record) {
    throw new CronMessageError(
      `task ${event.taskArn} of rule ${rule.name}, slot ${slot.toISOString()} (attempt ${number}), stopped, but the run ledger has no record of that slot: it was started outside this scheduler, or before the ledger existed`,
      rule.name,
    );
  }
  const attempt = currentAttempt(record);
  if (record.state !== SLOT_STATE.Running || attempt?.number !== number) return { kind: 'stale', state: record.state };

  const states = await describeCopies(context.ecs, rule.cluster, attempt.copies.map((copy) => copy.taskArn), context.readPacer);
  const copies = attempt.copies.map((copy) => ({ taskArn: copy.taskArn, state: states.get(copy.taskArn) }));
  const outcome = runOutcome(rule, copies);
  if (outcome.kind === 'running') return { kind: 'waiting', stopped: outcome.stopped, of: outcome.of };

  const retryAt = outcome.kind === 'failed' ? nextRetryAt(rule, number, outcome.endedAt) : undefined;
  const ended: AttemptRecord = {
    ...attempt,
    copies: attempt.copies.map((copy) => withExit(copy, states.get(copy.taskArn))),
    endedAt: outcome.endedAt.toISOString(),
    outcome: outcome.kind === 'succeeded' ? ATTEMPT_OUTCOME.Succeeded : outcome.kind === 'stopped' ? ATTEMPT_OUTCOME.Stopped : ATTEMPT_OUTCOME.Failed,
    ...(outcome.kind !== 'succeeded' && { reasons: outcome.reasons }),
  };
  const now = context.now().toISOString();
  const next: SlotRecord = {
    ...record,
    attempts: [...record.attempts.slice(0, -1), ended],
    updatedAt: now,
    ...(retryAt
      ? { state: SLOT_STATE.Retrying, retryAt: retryAt.toISOString() }
      : {
          state: outcome.kind === 'succeeded' ? SLOT_STATE.Succeeded : outcome.kind === 'stopped' ? SLOT_STATE.Stopped : SLOT_STATE.Failed,
          finishedAt: now,
          reason: outcome.kind === 'succeeded' ? undefined : outcome.reasons.join('; '),
        }),
  };
  try {
    const written = await context.ledger.update(next);
    return { kind: 'ended', record: written, attempt: ended, outcome, ...(retryAt && { retryAt }) };
  } catch (error) {
    // Another invocation recorded this end first (a duplicated event handled at the same moment).
    if (error instanceof LedgerConflictError) return { kind: 'stale', state: error.current?.state ?? 'unknown' };
    throw error;
  }
}

function withExit(copy: CopyRecord, state: CopyState | undefined): CopyRecord {
  if (!state) return { ...copy, stoppedReason: 'ECS no longer lists the task' };
  return {
    ...copy,
    stoppedAt: state.stoppedAt?.toISOString(),
    stopCode: state.stopCode,
    stoppedReason: state.stoppedReason,
    containers: state.containers,
  };
}
