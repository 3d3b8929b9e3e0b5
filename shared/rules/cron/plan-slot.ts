import type { RejectionReason } from '../../placement/types.js';
import { constraintMatchesNoInstance } from '../../placement/unmatched.js';
import type { ClusterView } from '../../state/view.js';
import type { TaskDefinitionInfo } from '../../state/types.js';
import type { Plan } from '../plan.js';
import { resolveOverlap } from './overlap.js';
import { placeCopies } from './place-copies.js';
import type { CronRule } from './rule.js';
import { isLive, runsOf } from './runs.js';
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
  /** Nothing to start for this slot; `plan` is present only when there is still something to stop. */
  | { kind: 'skip'; slot: Date; reason: SkipReason; detail: string; plan?: Plan };

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
}

/**
 * A cron slot as a pure function: from the cluster as it is, the rule, the slot and the time,
 * what to start and stop so that the slot has its `count` copies, once. Checks in order:
 * 1. suspended: skip (a manual run too; the rule's switch is the one place to stop all runs);
 * 2. the slot has `count` copies in any status: skip as complete, whatever the time (a slot that
 *    ran is never reported too late, however late it is re-delivered). A STOPPED copy ran and
 *    ended, so a re-delivered slot starts nothing; fewer copies: only the missing ones start;
 * 3. past the starting deadline (scheduled slots only): skip as too late;
 * 4. the overlap policy, over the live runs of other slots (see resolveOverlap). When Replace
 *    stops runs, the plan says `startsNeedStops`: if a stop fails, nothing starts (two runs
 *    would overlap);
 * 5. placement of the missing copies. If the constraint matches no instance of the cluster, the
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
    return { kind: 'skip', slot, reason: 'slot-complete', detail: `slot ${at} already has ${copies.length} of ${count} copies` };
  }

  if (enforceDeadline && now > deadline) {
    const late = Math.round((now.getTime() - slot.getTime()) / 1000);
    const what = input.retry ? `attempt ${input.retry.number} of slot ${at}` : `slot ${at}`;
    return { kind: 'skip', slot, reason: 'too-late', detail: `invoked ${late} s after ${what}, past its starting deadline ${deadline.toISOString()}` };
  }

  const overlap = resolveOverlap(rule, slot, runs.filter((run) => run.startedBy !== key && isLive(run)));
  if (overlap.kind === 'skip') return { kind: 'skip', slot, reason: overlap.reason, detail: overlap.detail };

  const missing = count - copies.length;
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

function describeRejections(rejections: Partial<Record<RejectionReason, number>>): string {
  const parts = Object.entries(rejections).map(([reason, instances]) => `${reason} ${instances}`);
  return parts.length > 0 ? `instances turned down: ${parts.join(', ')}` : 'the cluster has no instances';
}
