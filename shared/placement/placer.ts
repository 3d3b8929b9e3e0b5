import type { ClusterView } from '../state/view.js';
import type { ContainerInstance, Requirements, Task } from '../state/types.js';
import { compileConstraints } from './constraints.js';
import { instanceFacts, taskGroupsByInstance } from './facts.js';
import { capacityOf, capacityRejection, standingRejection, take, type Capacity } from './feasibility.js';
import { seededRandom } from './random.js';
import { RankingChain, type Candidate } from './strategies/index.js';
import type { PlacementConstraint, PlacementResult, PlacementStrategy, RejectionReason } from './types.js';

export interface PlacementRequest {
  requirements: Requirements;
  count: number;
  constraints?: readonly PlacementConstraint[];
  /** Default: random, as ECS's RunTask. */
  strategy?: readonly PlacementStrategy[];
  /** The group of the task being placed (StartTask's `group`); distinctInstance keeps its tasks apart. */
  group?: string;
  /** Running copies of the same work, which spread counts. */
  peers?: readonly Task[];
  /** Instances not to use (they refused this copy already). */
  exclude?: ReadonlySet<string>;
  /** Seeded generator for the random strategy; a fixed seed by default so plans are reproducible. */
  random?: () => number;
}

/** ECS's RunTask places at random unless told otherwise; so does a request that names no strategy. */
export const DEFAULT_STRATEGY: readonly PlacementStrategy[] = [{ type: 'random' }];

/**
 * Chooses an instance for each of `count` copies over the snapshot, one copy at a time: filter
 * the feasible instances, rank them by the strategy chain, take the best, and book the copy's
 * needs on it before placing the next. Pure: the snapshot is read, never changed.
 */
export function place(snapshot: ClusterView, request: PlacementRequest): PlacementResult {
  const { memberOf, distinctInstance } = compileConstraints(request.constraints ?? []);
  const peers = request.peers ?? [];
  const groups = memberOf || distinctInstance ? taskGroupsByInstance(snapshot.tasks()) : new Map<string, string[]>();
  // Instances that already hold a task of this group, or a copy placed here (distinctInstance).
  const occupied = new Set<string>();
  if (request.group !== undefined) {
    for (const [arn, instanceGroups] of groups) if (instanceGroups.includes(request.group)) occupied.add(arn);
  }

  const standing = new Map<ContainerInstance, RejectionReason>();
  const open: Array<{ instance: ContainerInstance; capacity: Capacity }> = [];
  for (const instance of snapshot.instances()) {
    if (request.exclude?.has(instance.arn)) continue;
    const reason = standingRejection(instance, memberOf, () => instanceFacts(instance, groups));
    if (reason) standing.set(instance, reason);
    else open.push({ instance, capacity: capacityOf(instance) });
  }

  const chain = new RankingChain(request.strategy ?? DEFAULT_STRATEGY, {
    random: request.random ?? seededRandom(1),
    peers,
    instanceByArn: (arn) => snapshot.instance(arn),
  });

  const placements: ContainerInstance[] = [];
  for (let copy = 0; copy < request.count; copy += 1) {
    const candidates: Array<Candidate & { capacity: Capacity }> = [];
    for (const entry of open) {
      if (distinctInstance && occupied.has(entry.instance.arn)) continue;
      if (capacityRejection(entry.capacity, request.requirements)) continue;
      candidates.push({
        instance: entry.instance,
        remainingCpu: entry.capacity.cpu - request.requirements.cpu,
        remainingMemory: entry.capacity.memory - request.requirements.memory,
        capacity: entry.capacity,
      });
    }
    const chosen = chain.best(candidates) as (Candidate & { capacity: Capacity }) | undefined;
    if (!chosen) {
      return {
        placements,
        unplaced: request.count - copy,
        rejections: countRejections(standing, open, request.requirements, distinctInstance ? occupied : undefined),
      };
    }
    take(chosen.capacity, request.requirements);
    occupied.add(chosen.instance.arn);
    chain.placed(chosen);
    placements.push(chosen.instance);
  }
  return { placements, unplaced: 0, rejections: {} };
}

function countRejections(
  standing: ReadonlyMap<ContainerInstance, RejectionReason>,
  open: ReadonlyArray<{ instance: ContainerInstance; capacity: Capacity }>,
  needs: Requirements,
  occupied: ReadonlySet<string> | undefined,
): Partial<Record<RejectionReason, number>> {
  const counts: Partial<Record<RejectionReason, number>> = {};
  const count = (reason: RejectionReason) => (counts[reason] = (counts[reason] ?? 0) + 1);
  for (const reason of standing.values()) count(reason);
  for (const { instance, capacity } of open) {
    const reason = occupied?.has(instance.arn) ? 'DISTINCT_INSTANCE' : capacityRejection(capacity, needs);
    if (reason) count(reason);
  }
  return counts;
}
