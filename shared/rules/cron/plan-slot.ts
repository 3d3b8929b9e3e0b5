import type { RejectionReason } from '../../placement/types.js';
import { constraintMatchesNoInstance } from '../../placement/unmatched.js';
import type { ClusterView } from '../../state/view.js';
import type { TaskDefinitionInfo } from '../../state/types.js';
import type { Plan } from '../plan.js';
import { resolveOverlap } from './overlap.js';
import { ecsPlacedCopies } from './ecs-placed-copies.js';
import { placeCopies } from './place-copies.js';
import type { CronRule } from './rule.js';
import { isLive, runsOf } from './runs.js';
import { cronStopReason } from './rule.js';
import { TaskStatus, type Task } from '../../state/types.js';
import type { PlannedStop } from '../plan.js';
import { slotTerms, type Retry } from './slot-terms.js';

export type SkipReason = 'suspended' | 'too-late' | 'overlap-forbidden' | 'slot-complete' | 'no-capacity';

export type SlotOutcome =
  /**
   * Copies to start: `plan.starts` holds the missing copies that could be placed, and
   * `plan.stops` the runs Replace ends. `unplaced` > 0 means some copies fit nowhere now
   * (`rejections` says why): the handler retries until the starting deadline.
   */
  | {
      kind: 'start';
      slot: Date;
      plan: Plan;
      placed: number;
      /** Copies the slot lacks: count minus the copies it already has, in any status. */
      missing: number;
      unplaced: number;
      rejections: Partial<Record<RejectionReason, number>>;
      /**
       * Set when the unplaced copies could never be placed (the constraint matches no instance
       * of the cluster), with the reason: the slot fails now rather than wait for capacity.
       */
      neverPlaceable?: string;
    }
  /**
   * Nothing to start for this slot; `plan` is present only when there is still something to stop.
   * `extras` are the slot's own copies above `count` (a race or a takeover let them in), newest
   * first, which the plan stops.
   */
  | { kind: 'skip'; slot: Date; reason: SkipReason; detail: string; plan?: Plan; extras?: PlannedStop[] }
  /**
   * Replace: the runs it replaces are stopping (`stopping`, task ARNs), and the new run may start
   * only once they reach STOPPED, since ECS keeps a stopping task's containers, and resources,
   * for up to their stop timeout. `plan` holds the stops still to send.
   */
  | { kind: 'await-stops'; slot: Date; stopping: string[]; plan: Plan };

export interface SlotInput {
  snapshot: ClusterView;
  rule: CronRule;
  target: TaskDefinitionInfo;
  /** The slot's scheduled time; for a manual "run now", the time of the request. */
  slot: Date;
  now: Date;
  /** Default 'schedule'. A manual run has no starting deadline: it is its own slot, requested now. */
  trigger?: 'schedule' | 'manual';
  /** Set when this is a retry of the slot: its copies carry the attempt's key, and its deadline counts from when it was due. */
  retry?: Retry;
  /**
   * Set when the slot has begun (an earlier delivery claimed it in time): the starting deadline no
   * longer applies, and the slot is completed until this bound.
   */
  completeBy?: Date;
  /**
   * Replace: runs asked to stop, still short of STOPPED, that the new run no longer waits for
   * (their stop timeout has passed): ECS has killed their containers by then.
   */
  stopWaitOver?: ReadonlySet<string>;
  /**
   * For launches ECS places (RunTask): how many times ECS has answered this slot's RunTask calls
   * in this invocation. It is part of each call's client token, so a capacity retry is a new
   * request. Default 0.
   */
  runRound?: number;
}

/**
 * A cron slot as a pure function: from the cluster as it is, the rule, the slot and the time,
 * what to start and stop so that the slot has its `count` copies, once. Checks in order:
 * 1. suspended: skip (a manual run too; the rule's switch is the one place to stop all runs);
 * 2. the slot has `count` copies in any status: skip as complete, whatever the time (a slot that
 *    ran is never reported too late, however late it is re-delivered). A STOPPED copy ran and
 *    ended, so a re-delivered slot starts nothing; fewer copies: only the missing ones start;
 *    more (two invocations raced), and the newest live ones above `count` are stopped;
 * 3. past the starting deadline (scheduled slots only): skip as too late. A slot that has begun
 *    (`completeBy`) is held to its completion bound instead: the deadline decides whether a slot
 *    begins, not whether a begun one is finished;
 * 4. the overlap policy, over the live runs of other slots (see resolveOverlap). When Replace
 *    stops runs, the plan says `startsNeedStops`: if a stop fails, nothing starts (two runs
 *    would overlap); and while runs it stopped are still stopping, it waits (await-stops);
 * 5. placement of the missing copies: for a launch ECS places (fargate, capacityProvider), RunTask
 *    calls of at most 10 (a task definition Fargate cannot run fails the slot now); otherwise our
 *    placement engine's. If the constraint matches no instance of the cluster, the
 *    outcome says so (`neverPlaceable`) and the handler fails the slot at once. If none fits and
 *    retryOnCapacity is false, the slot is skipped for capacity; otherwise the outcome is a start
 *    with `unplaced` > 0 and the handler retries until the deadline. A partial fit always starts
 *    what fits.
 *
 * Replace and capacity: the runs Replace stops still hold their resources in the snapshot, and
 * ECS frees them only once the stop completes, after this plan's starts are sent. So the copies
 * are placed against capacity as it is now; what the stops free is picked up by the capacity retry.
 */
export function planSlot(input: SlotInput): SlotOutcome {
  const { snapshot, rule, target, slot, now } = input;
  const at = slot.toISOString();
  if (rule.suspend) return { kind: 'skip', slot, reason: 'suspended', detail: `rule ${rule.name} is suspended` };

  const { key, deadline, enforceDeadline } = slotTerms(rule, slot, input.trigger ?? 'schedule', input.retry);
  const runs = runsOf(snapshot, rule);
  const count = rule.count ?? 1;
  const copies = runs.filter((run) => run.startedBy === key);
  if (copies.length >= count) {
    const extras = extraCopies(rule, copies, count);
    const complete = { kind: 'skip', slot, reason: 'slot-complete', detail: `slot ${at} already has ${copies.length} of ${count} copies` } as const;
    return extras.length > 0 ? { ...complete, extras, plan: { starts: [], stops: extras } } : complete;
  }

  const what = input.retry ? `attempt ${input.retry.number} of slot ${at}` : `slot ${at}`;
  if (input.completeBy && now > input.completeBy) {
    const detail = `${what} began in time but has ${copies.length} of ${count} copies at its completion bound ${input.completeBy.toISOString()}`;
    return { kind: 'skip', slot, reason: 'too-late', detail };
  }
  if (!input.completeBy && enforceDeadline && now > deadline) {
    const late = Math.round((now.getTime() - slot.getTime()) / 1000);
    return { kind: 'skip', slot, reason: 'too-late', detail: `invoked ${late} s after ${what}, past its starting deadline ${deadline.toISOString()}` };
  }

  const overlap = resolveOverlap(rule, slot, runs.filter((run) => run.startedBy !== key && isLive(run)));
  if (overlap.kind === 'skip') return { kind: 'skip', slot, reason: overlap.reason, detail: overlap.detail };
  if ((rule.overlapPolicy ?? 'Forbid') === 'Replace') {
    const stopping = runs.filter((run) => run.startedBy !== key && isStopping(run)).map((run) => run.arn);
    const waitFor = [...overlap.stops.map((stop) => stop.taskArn), ...stopping].filter((arn) => !input.stopWaitOver?.has(arn));
    if (waitFor.length > 0) return { kind: 'await-stops', slot, stopping: waitFor, plan: { starts: [], stops: overlap.stops } };
  }

  const missing = count - copies.length;
  const launch = rule.launch ?? { type: 'ec2' };
  if (launch.type !== 'ec2') {
    // ECS places these copies (RunTask): no instances to pick, and capacity is known only from its answer.
    const { runs, problem } = ecsPlacedCopies(rule, launch, target, slot, key, copies.length, missing, input.runRound ?? 0);
    const plan: Plan = { starts: [], runs, stops: overlap.stops, ...(overlap.stops.length > 0 && { startsNeedStops: true }) };
    if (problem) return { kind: 'start', slot, plan, placed: 0, missing, unplaced: 0, rejections: {}, neverPlaceable: problem };
    return { kind: 'start', slot, plan, placed: missing, missing, unplaced: 0, rejections: {} };
  }
  const stopping = new Set(overlap.stops.map((stop) => stop.taskArn));
  const peers = runs.filter((run) => isLive(run) && !stopping.has(run.arn));
  const { starts, result } = placeCopies(snapshot, rule, target, slot, key, missing, peers);
  // Replace: the new run must not start beside an old one that could not be stopped.
  const plan: Plan = { starts, stops: overlap.stops, ...(overlap.stops.length > 0 && { startsNeedStops: true }) };

  const neverPlaceable = result.unplaced > 0 ? constraintMatchesNoInstance(snapshot, rule.placement?.constraints ?? []) : undefined;
  if (neverPlaceable) {
    return { kind: 'start', slot, plan, placed: starts.length, missing, unplaced: result.unplaced, rejections: result.rejections, neverPlaceable };
  }
  if (starts.length === 0 && rule.retryOnCapacity === false) {
    const detail = `no instance can take a copy for slot ${at} (${describeRejections(result.rejections)}), and retryOnCapacity is false`;
    // Replace still ends the old run: that is the policy's promise whether or not the new run fits.
    return { kind: 'skip', slot, reason: 'no-capacity', detail, ...(plan.stops.length > 0 && { plan }) };
  }
  return { kind: 'start', slot, plan, placed: starts.length, missing, unplaced: result.unplaced, rejections: result.rejections };
}

/**
 * The slot's copies above `count`, newest first, as stops of the live ones: the oldest copies
 * are the ones a run is most likely to depend on. A newest extra that already stopped is gone
 * already and counts against the excess all the same.
 */
function extraCopies(rule: CronRule, copies: readonly Task[], count: number): PlannedStop[] {
  const newestFirst = [...copies].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || b.arn.localeCompare(a.arn));
  return newestFirst
    .slice(0, copies.length - count)
    .filter(isLive)
    .map((copy) => ({ taskArn: copy.arn, reason: cronStopReason(rule, `extra copy: the slot has ${copies.length} copies of ${count}`) }));
}

/** Asked to stop and not yet STOPPED: its containers, and resources, are still there. */
function isStopping(task: Task): boolean {
  return task.desiredStatus === TaskStatus.Stopped && task.lastStatus !== TaskStatus.Stopped;
}

function describeRejections(rejections: Partial<Record<RejectionReason, number>>): string {
  const parts = Object.entries(rejections).map(([reason, instances]) => `${reason} ${instances}`);
  return parts.length > 0 ? `instances turned down: ${parts.join(', ')}` : 'the cluster has no instances';
}
