import { DEFAULT_STRATEGY, place } from '../../placement/placer.js';
import { seededRandom, seedFrom } from '../../placement/random.js';
import type { PlacementResult } from '../../placement/types.js';
import type { ClusterView } from '../../state/view.js';
import type { Task, TaskDefinitionInfo } from '../../state/types.js';
import type { PlannedStart, Replacement } from '../plan.js';
import { slotLaunch } from './slot-launch.js';
import { cronRulePrefix, type CronRule } from './rule.js';

export interface PlacedCopies {
  starts: PlannedStart[];
  result: PlacementResult;
}

/**
 * Places `missing` copies of the slot's run and turns each into a start.
 *
 * - group is the slot key: ECS's distinctInstance keeps the tasks of one group apart, and the
 *   copies of one run are what a user means to keep apart. A rule-wide group would also make an
 *   ended run (the snapshot holds STOPPED tasks for an hour) block its instance for every later
 *   slot. Another rule can still steer clear of all runs with `task:group =~ cron/<name>/.*`.
 * - peers are the runs that will be going (the caller leaves out those it is stopping), so spread
 *   balances the rule's concurrent work and the slot's copies already started.
 * - random is seeded by the slot key: planning the same slot on the same snapshot twice gives
 *   the same instances, so a plan can be reproduced and explained.
 */
export function placeCopies(
  snapshot: ClusterView,
  rule: CronRule,
  target: TaskDefinitionInfo,
  slot: Date,
  /** The attempt's startedBy (the slot's key, or a retry's). */
  key: string,
  missing: number,
  peers: readonly Task[],
): PlacedCopies {
  const placement: Replacement = {
    constraints: rule.placement?.constraints ?? [],
    strategy: rule.placement?.strategy ?? DEFAULT_STRATEGY,
    peers: { startedByPrefix: cronRulePrefix(rule), live: true },
  };
  const result = place(snapshot, {
    requirements: target.requirements,
    count: missing,
    constraints: placement.constraints,
    strategy: placement.strategy,
    group: key,
    peers,
    random: seededRandom(seedFrom(key)),
  });
  const launch = slotLaunch(rule, target, slot, key);
  const starts = result.placements.map((instance) => ({
    launch,
    containerInstanceArn: instance.arn,
    reason: `cron ${rule.name}: run for slot ${slot.toISOString()} on ${instance.ec2InstanceId}`,
    placement,
  }));
  return { starts, result };
}
