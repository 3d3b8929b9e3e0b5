import type { FailedAction } from '../../ecs/apply.js';
import type { RejectionReason } from '../../placement/types.js';
import type { SkipReason } from '../../rules/cron/plan-slot.js';
import { retryWait } from './backoff.js';

/**
 * Function time kept for one more load, apply and report (under throttling, tens of seconds):
 * no retry begins with less left, and no message is started with less.
 */
export const RESERVED_MS = 30_000;

/** How often a Replace looks whether the run it stopped has reached STOPPED. */
export const STOP_POLL_MS = 2_000;
/**
 * How long a Replace waits for the run it stopped: ECS stops a container within its stop timeout
 * (at most 120 s, then SIGKILL), and the agent reports STOPPED shortly after. Past this, the old
 * copies no longer hold the new run back.
 */
export const STOP_WAIT_MAX_MS = 150_000;

/** Start failures that the same request would meet again: retrying them until the deadline only spends calls. */
const PERMANENT = /^(ClientException|InvalidParameterException|AccessDeniedException|UnsupportedFeatureException|PlatformUnknownException)$/;

type Rejections = Partial<Record<RejectionReason, number>>;

/** What one attempt at a slot saw: the plan's decision, then the cluster and the clock once the plan was applied. */
export interface Attempt {
  /** 1 for the first attempt, one more for each retry. */
  number: number;
  /** The planner's decision, as far as the next step depends on it. */
  decision: { kind: 'skip'; reason: SkipReason; detail: string } | { kind: 'start'; unplaced: number; rejections: Rejections; neverPlaceable?: string } | { kind: 'await-stops'; stopping: number };
  /**
   * The slot has begun (an earlier delivery claimed it, or this one stopped the run it replaces):
   * it must end with its copies or as a failure, never as a skip.
   */
  begun: boolean;
  /** What ECS refused or could not do while the plan was applied. */
  failures: FailedAction[];
  /** The slot's copies, in any status, after the apply. */
  copies: number;
  /** The copies the slot needs (the rule's count). */
  count: number;
  /** The rule's retryOnCapacity (default true). */
  retryOnCapacity: boolean;
  now: Date;
  /** The slot's starting deadline: where retries end. */
  deadline: Date;
  /** The function's time left (getRemainingTimeInMillis). */
  remainingTimeMs: number;
}

/** Why a slot failed, in the terms its outcome reports. */
export interface SlotFailure {
  kind: 'fail';
  /** In words: what did not fit, what ECS refused, and why retrying stopped. */
  reasons: string[];
  rejections: Rejections;
  failures: FailedAction[];
}

/**
 * What follows an attempt:
 * - done: the slot has its copies;
 * - skip: the first attempt found nothing to start (suspended, too late, overlap, complete...);
 * - retry: copies are missing and may still start: wait `waitMs`, then load and plan again;
 *   `why` says whether for capacity or to re-read after a start whose answer was lost;
 * - fail: copies are missing and retrying is over.
 */
export type SlotStep =
  | { kind: 'done' }
  | { kind: 'skip'; reason: SkipReason; detail: string }
  | { kind: 'retry'; waitMs: number; why: 'capacity' | 'outcome-unknown' | 'awaiting-stops' }
  | SlotFailure;

/**
 * The next step of a slot after an attempt, as a pure function of what the attempt saw. In order:
 * - a complete slot is skipped as complete on the first attempt, and done on a retry (an earlier
 *   attempt's start showed up);
 * - any other skip on the first attempt of a slot not yet begun is the slot's outcome; otherwise
 *   it failed: the slot became barred while it waited (another slot's run began meanwhile, the
 *   deadline or its completion bound went by), and a begun slot never ends silently as a skip;
 * - the runs Replace stopped have not reached STOPPED: look again shortly, unless the function
 *   is about to end; if ECS refused a stop, retry as for capacity until the deadline, then fail;
 * - all copies there: done;
 * - copies that no instance could ever take (the constraint matches none): fail, whatever
 *   retryOnCapacity says; waiting for capacity would only hold the function until the deadline;
 * - a start ECS refuses for what it is (a bad request, access denied): fail, retrying would not help;
 * - retryOnCapacity false: fail, unless a start's outcome is unknown, which a re-read settles;
 * - otherwise wait (see retryWait) and retry, unless the deadline has passed or the function
 *   would have less than RESERVED_MS left after the wait.
 */
export function nextStep(attempt: Attempt): SlotStep {
  const { decision } = attempt;
  if (decision.kind === 'skip') {
    if (decision.reason === 'slot-complete') return attempt.number === 1 ? { kind: 'skip', reason: decision.reason, detail: decision.detail } : { kind: 'done' };
    if (attempt.number === 1 && !attempt.begun) return { kind: 'skip', reason: decision.reason, detail: decision.detail };
    return slotFailure({ unplaced: 0, rejections: {}, failures: [] }, [decision.detail]);
  }
  if (decision.kind === 'await-stops') {
    const refused = attempt.failures.filter((f) => f.action === 'stop');
    if (refused.length > 0) {
      // ECS would not stop the old run: retry as for capacity, never start beside it, and give up at the deadline.
      const waitMs = retryWait(attempt.number, attempt.now, attempt.deadline);
      if (waitMs > 0 && attempt.remainingTimeMs - waitMs >= RESERVED_MS) return { kind: 'retry', waitMs, why: 'capacity' };
      return slotFailure({ unplaced: 0, rejections: {}, failures: attempt.failures }, [
        `REPLACE_STOP_FAILED: the run it replaces could not be stopped by ${attempt.deadline.toISOString()}; the new run did not start, as the two must not overlap`,
      ]);
    }
    if (attempt.remainingTimeMs - STOP_POLL_MS < RESERVED_MS) {
      return slotFailure({ unplaced: 0, rejections: {}, failures: attempt.failures }, [
        `${decision.stopping} cop${decision.stopping === 1 ? 'y' : 'ies'} of the replaced run had not stopped when the function's time ran out`,
      ]);
    }
    return { kind: 'retry', waitMs: STOP_POLL_MS, why: 'awaiting-stops' };
  }
  if (attempt.copies >= attempt.count) return { kind: 'done' };

  const starts = attempt.failures.filter((f) => f.action === 'start');
  const unknown = starts.some((f) => f.outcomeUnknown);
  // A lost answer stays listed (outcomeUnknown): if retrying ends here, the copy may exist after all.
  const last = { unplaced: decision.unplaced, rejections: decision.rejections, failures: attempt.failures };
  if (decision.neverPlaceable) return slotFailure(last, [decision.neverPlaceable]);
  if (starts.some((f) => PERMANENT.test(f.reason))) return slotFailure(last, ['ECS refuses the start itself; retrying would not help']);
  if (!attempt.retryOnCapacity && !unknown) return slotFailure(last, ['retryOnCapacity is false']);

  const deadline = attempt.deadline.toISOString();
  const waitMs = retryWait(attempt.number, attempt.now, attempt.deadline);
  if (waitMs <= 0) return slotFailure(last, [`the starting deadline ${deadline} has passed`]);
  if (attempt.remainingTimeMs - waitMs < RESERVED_MS) {
    return slotFailure(last, [`the function has ${Math.round(attempt.remainingTimeMs / 1000)} s left, too little to retry before the starting deadline ${deadline} (raise its timeout)`]);
  }
  return { kind: 'retry', waitMs, why: unknown ? 'outcome-unknown' : 'capacity' };
}

/**
 * A slot whose attempt threw. Before any copy of it started, undefined: the error stands, the
 * message fails and comes back. Once copies have started, those copies are the outcome: a
 * failure that lists them and the error, reported, so they never hide behind a retry; the
 * missing copies are not retried.
 */
export function failureAfterError(error: unknown, startedNow: number, failures: FailedAction[]): SlotFailure | undefined {
  if (startedNow === 0) return undefined;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return slotFailure({ unplaced: 0, rejections: {}, failures }, [
    `${detail}, after ${startedNow} cop${startedNow === 1 ? 'y' : 'ies'} of the slot started; the missing ones are not retried`,
  ]);
}

function slotFailure(last: { unplaced: number; rejections: Rejections; failures: FailedAction[] }, why: string[]): SlotFailure {
  const reasons: string[] = [];
  if (last.unplaced > 0) {
    const turnedDown = Object.entries(last.rejections).map(([reason, instances]) => `${reason} on ${instances}`);
    reasons.push(`${last.unplaced} cop${last.unplaced === 1 ? 'y fits' : 'ies fit'} on no instance (${turnedDown.join(', ') || 'the cluster has no instances'})`);
  }
  for (const failure of last.failures) {
    const call = failure.call === 'RunTask' ? 'RunTask on' : failure.action === 'start' ? 'StartTask on' : 'StopTask of';
    reasons.push(`${call} ${failure.target}: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`);
  }
  reasons.push(...why);
  return { kind: 'fail', reasons, rejections: last.rejections, failures: last.failures };
}
