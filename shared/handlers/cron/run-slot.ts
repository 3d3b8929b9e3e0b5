import { applyPlan, type FailedAction, type StoppedTask } from '../../ecs/apply.js';
import { CallCounter } from '../../ecs/call-counter.js';
import type { RejectionReason } from '../../placement/types.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import type { Placement } from '../../report/result-events.js';
import { startingDeadline } from '../../rules/cron/deadline.js';
import { planSlot } from '../../rules/cron/plan-slot.js';
import { cronSlotKey, type CronRule } from '../../rules/cron/rule.js';
import { cronScope } from '../../rules/cron/scope.js';
import { loadSnapshot } from '../../state/load.js';
import type { Snapshot } from '../../state/snapshot.js';
import { describeTaskDefinition } from '../../state/task-definitions.js';
import type { CronContext } from './context.js';

/** Capacity retries wait 5 s, then twice as long each time, at most 60 s, never past the deadline. */
export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 60_000;
/**
 * Function time kept for one more load, apply and report (under throttling, tens of seconds):
 * no retry begins with less left, and no message is started with less.
 */
export const RESERVED_MS = 30_000;

/** Start failures that the same request would meet again: retrying them until the deadline only spends calls. */
const PERMANENT = /^(ClientException|InvalidParameterException|AccessDeniedException|UnsupportedFeatureException|PlatformUnknownException)$/;

/**
 * Gives one slot its `count` copies, once: load the cluster, plan the slot, apply the plan, and
 * while copies are missing for lack of capacity, wait and do it all again until the starting
 * deadline.
 *
 * Why a loop here and not EventBridge Scheduler's retries: a Scheduler retry re-delivers the slot
 * later, with a backoff we do not control, and looks exactly like a duplicate delivery; a FIFO
 * queue has no per-message delay to schedule our own retry; and the loop keeps the rule's message
 * group busy, which is what serializing the rule asks for (no other slot of the rule is planned
 * meanwhile). The cost: the function's timeout must cover the deadline. Deadlines are under an
 * hour and a Lambda runs at most 15 minutes, so the loop also ends, reported as a failure, when
 * the function's remaining time would not cover another attempt (RESERVED_MS).
 *
 * Every attempt reloads the snapshot and plans again, so copies started by an earlier attempt
 * (or by a start whose answer was lost) are seen and only the missing ones start. A start whose
 * outcome is unknown is never repeated blindly: the next attempt waits first, giving ECS's lists
 * time to show the task if it did start, then plans from what is there.
 *
 * An error before any copy started propagates: the message fails and SQS brings it back. An error
 * once copies have started (a reload for a capacity retry, an apply cut short) does not: the slot
 * ends `failed`, listing the copies that started and the error, and is reported like any outcome,
 * so those copies are never hidden behind a retry.
 */
export async function runSlot(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', context: CronContext): Promise<CronSlotOutcome> {
  const { ecs } = context;
  const calls = new CallCounter().attach(ecs);
  // Resolved once: every attempt for the slot starts the same revision, even if a new one is registered meanwhile.
  const target = await describeTaskDefinition(ecs, rule.taskDefinition);
  const scope = cronScope(rule, target);
  const key = cronSlotKey(rule, slot);
  const count = rule.count ?? 1;
  // A manual run has no starting deadline of its own; its capacity retries get the rule's, from
  // the request (the flexible window is the Scheduler's, so it does not apply).
  const deadline = startingDeadline(trigger === 'manual' ? { ...rule, flexibleWindowMinutes: undefined } : rule, slot);
  const replaced: StoppedTask[] = [];
  let conflicts = 0;
  let attempts = 0;
  let copiesAtFirstLook: number | undefined;
  let delay = FIRST_RETRY_MS;
  /** The slot's copies as last seen (after each apply), for an error that comes after some started. */
  let seen: { clusterArn: string; copies: Placement[]; startedNow: number; failures: FailedAction[] } | undefined;
  const baseOf = (clusterArn: string) => ({
    rule: rule.name,
    clusterArn,
    slot,
    trigger,
    startedBy: key,
    count,
    deadline,
    attempts,
    replaced,
    conflicts,
    apiCalls: calls.total(),
    throttles: calls.throttles(),
  });

  try {
    for (;;) {
      attempts += 1;
      let wait: number;
      const now = context.now();
      const snapshot = await loadSnapshot(ecs, rule.cluster, scope, {
        taskDefinitions: [target.arn],
        now,
        ...(context.readPacer && { pacer: context.readPacer }),
      });
      /** Notes the copies this snapshot shows (applyPlan adds each copy it started to it). */
      const look = (failures: FailedAction[]) => {
        if (copiesAtFirstLook === undefined) return;
        const copies = copiesOf(snapshot, key);
        seen = { clusterArn: snapshot.cluster.arn, copies, startedNow: Math.max(0, copies.length - copiesAtFirstLook), failures };
      };
      try {
        const base = () => baseOf(snapshot.cluster.arn);
        copiesAtFirstLook ??= copiesOf(snapshot, key).length;
        const startedNow = () => Math.max(0, copiesOf(snapshot, key).length - copiesAtFirstLook!);
        const decision = planSlot({ snapshot, rule, target, slot, now, trigger });

        if (decision.kind === 'skip') {
          // Replace still ends the old run when the new one cannot start (retryOnCapacity false).
          if (decision.plan) {
            const result = await applyPlan(ecs, snapshot, decision.plan);
            replaced.push(...result.stopped);
            conflicts += result.conflicts;
          }
          const copies = copiesOf(snapshot, key);
          if (attempts === 1) return { ...base(), status: 'skipped', reason: decision.reason, detail: decision.detail, copies };
          if (decision.reason === 'slot-complete') return { ...base(), status: 'started', copies, startedNow: startedNow() };
          // A retry found the slot barred (another slot's run began meanwhile, or the deadline went by).
          return failed(base(), copies, startedNow(), count, { unplaced: 0, rejections: {}, failures: [] }, [decision.detail]);
        }

        const result = await applyPlan(ecs, snapshot, decision.plan);
        replaced.push(...result.stopped);
        conflicts += result.conflicts;
        look(result.failed);
        const copies = copiesOf(snapshot, key);
        if (copies.length >= count) return { ...base(), status: 'started', copies, startedNow: startedNow() };

        const starts = result.failed.filter((f) => f.action === 'start');
        const unknown = starts.some((f) => f.outcomeUnknown);
        const last: LastAttempt = {
          unplaced: decision.unplaced,
          rejections: decision.rejections,
          // A lost answer stays listed (outcomeUnknown): if retrying ends here, the copy may exist after all.
          failures: result.failed,
        };
        const permanent = starts.filter((f) => PERMANENT.test(f.reason));
        if (permanent.length > 0) {
          return failed(base(), copies, startedNow(), count, last, ['ECS refuses the start itself; retrying would not help']);
        }
        if (rule.retryOnCapacity === false && !unknown) {
          return failed(base(), copies, startedNow(), count, last, ['retryOnCapacity is false']);
        }
        wait = Math.min(delay, deadline.getTime() - context.now().getTime());
        if (wait <= 0) {
          return failed(base(), copies, startedNow(), count, last, [`the starting deadline ${deadline.toISOString()} has passed`]);
        }
        const remaining = context.remainingTimeMs();
        if (remaining - wait < RESERVED_MS) {
          return failed(base(), copies, startedNow(), count, last, [
            `the function has ${Math.round(remaining / 1000)} s left, too little to retry before the starting deadline ${deadline.toISOString()} (raise its timeout)`,
          ]);
        }
        context.logger.info(unknown ? 'a start may or may not have happened; re-reading the cluster before trying again' : 'cron slot waits for capacity', {
          rule: rule.name,
          slot: slot.toISOString(),
          attempt: attempts,
          missing: count - copies.length,
          waitMs: wait,
          rejections: decision.rejections,
        });
      } catch (error) {
        // An apply cut short may still have started copies: the snapshot has them.
        try {
          look(seen?.failures ?? []);
        } catch {
          // Keep what the last look saw.
        }
        throw error;
      } finally {
        snapshot.close();
      }
      await context.sleep(wait);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  } catch (error) {
    // Copies started, then something threw (a reload for a capacity retry, an apply cut short):
    // rethrown, the message would come back and those copies would vanish from the outcome. They
    // are the outcome: a failed run that lists them, reported, and the message is done.
    if (seen === undefined || seen.startedNow === 0) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    context.logger.error('cron slot: an error after copies started; reported as a failed run with them', { rule: rule.name, slot: slot.toISOString(), error: error as Error });
    return failed(baseOf(seen.clusterArn), seen.copies, seen.startedNow, count, { unplaced: 0, rejections: {}, failures: seen.failures }, [
      `${detail}, after ${seen.startedNow} cop${seen.startedNow === 1 ? 'y' : 'ies'} of the slot started; the missing ones are not retried`,
    ]);
  }
}

interface LastAttempt {
  unplaced: number;
  rejections: Partial<Record<RejectionReason, number>>;
  failures: FailedAction[];
}

function failed(
  base: Omit<Extract<CronSlotOutcome, { status: 'failed' }>, 'status' | 'copies' | 'startedNow' | 'missing' | 'reasons' | 'rejections' | 'failures'>,
  copies: Placement[],
  startedNow: number,
  count: number,
  last: LastAttempt,
  why: string[],
): CronSlotOutcome {
  const missing = count - copies.length;
  const reasons: string[] = [];
  if (last.unplaced > 0) {
    const turnedDown = Object.entries(last.rejections).map(([reason, instances]) => `${reason} on ${instances}`);
    reasons.push(`${last.unplaced} cop${last.unplaced === 1 ? 'y fits' : 'ies fit'} on no instance (${turnedDown.join(', ') || 'the cluster has no instances'})`);
  }
  for (const failure of last.failures) {
    reasons.push(`${failure.action === 'start' ? 'StartTask on' : 'StopTask of'} ${failure.target}: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`);
  }
  reasons.push(...why);
  return { ...base, status: 'failed', copies, startedNow, missing, reasons, rejections: last.rejections, failures: last.failures };
}

/** The slot's copies in the snapshot, in any status, with where they run. */
function copiesOf(snapshot: Snapshot, key: string): Placement[] {
  return snapshot.tasks({ startedBy: key }).map((task) => ({
    taskArn: task.arn,
    containerInstanceArn: task.containerInstanceArn,
    ec2InstanceId: task.containerInstanceArn === undefined ? undefined : snapshot.instance(task.containerInstanceArn)?.ec2InstanceId,
    lastStatus: task.lastStatus,
  }));
}
