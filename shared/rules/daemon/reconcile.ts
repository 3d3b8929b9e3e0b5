import { compileConstraints } from '../../placement/constraints.js';
import { instanceFacts, taskGroupsByInstance } from '../../placement/facts.js';
import { capacityOf, capacityRejection } from '../../placement/feasibility.js';
import type { RejectionReason } from '../../placement/types.js';
import { isLive } from '../../state/liveness.js';
import type { ClusterView } from '../../state/view.js';
import { TaskStatus, type ContainerInstance, type Task, type TaskDefinitionInfo } from '../../state/types.js';
import type { Launch, Plan, PlannedStart, PlannedStop } from '../plan.js';
import { daemonKey, unavailableBudget, type DaemonRule } from './rule.js';
import { withRuleTag } from '../rule-tag.js';

/** DaemonSet-style counters, over the state the reconcile saw (before its own plan). */
export interface Coverage {
  /** Eligible instances: ACTIVE and matching the constraint. */
  desired: number;
  /** Eligible instances with a copy (any revision, any state short of stopping). */
  current: number;
  /** Eligible instances whose copy runs the rule's task definition. */
  upToDate: number;
  /** Eligible instances whose copy has reached RUNNING. */
  available: number;
  /** desired - available. */
  unavailable: number;
  /** ACTIVE instances that run a copy but no longer match the constraint. */
  misscheduled: number;
  /** Eligible instances without a copy that cannot take one now, and why. */
  failedToPlace: Array<{ containerInstanceArn: string; ec2InstanceId: string; reason: RejectionReason }>;
}

export interface DaemonPlan extends Plan {
  coverage: Coverage;
  /**
   * Set when the constraint matches no ACTIVE instance while copies run on some: those copies
   * were kept, not stopped (a typo in a constraint must not end the daemon everywhere at once).
   */
  unmatchedConstraint?: { constraint: string; keptCopies: number };
}

/**
 * A daemon rule as a pure function: from the cluster as it is to the starts and stops that make
 * it one copy per eligible instance. It
 * - starts a copy on each eligible instance that has none (and says why where it cannot);
 * - stops duplicates, keeping the copy that is furthest along (running, then oldest);
 * - stops copies whose instance is gone from the cluster;
 * - stops copies on ACTIVE instances that no longer match the constraint (misscheduled) a few at a
 *   time, within the same budget as a rollout; and none while the constraint matches no ACTIVE
 *   instance at all, unless the rule allows it (allowNoEligibleInstances): that is far more
 *   often a mistake in the constraint than a wish to stop the daemon everywhere;
 * - leaves the copy on a DRAINING instance alone, so the daemon is the last to leave;
 * - replaces copies of an older task definition a few at a time, never letting more than the
 *   rollout budget of eligible instances be without a running copy.
 */
export function reconcileDaemon(snapshot: ClusterView, rule: DaemonRule, target: TaskDefinitionInfo): DaemonPlan {
  const key = daemonKey(rule);
  const { memberOf } = compileConstraints(rule.constraint ? [{ type: 'memberOf', expression: rule.constraint }] : []);
  const groups = memberOf ? taskGroupsByInstance(snapshot.tasks()) : new Map<string, string[]>();
  const copiesByInstance = groupCopies(snapshot.tasks({ startedBy: key }).filter(isLive));
  const launch: Launch = { taskDefinitionArn: target.arn, startedBy: key, group: key, tags: withRuleTag(rule.tags, 'daemon', rule.name), overrides: rule.overrides };

  const starts: PlannedStart[] = [];
  const stops: PlannedStop[] = [];
  const coverage: Coverage = { desired: 0, current: 0, upToDate: 0, available: 0, unavailable: 0, misscheduled: 0, failedToPlace: [] };
  const outdated: Task[] = [];
  const misscheduled: Array<{ copy: Task; instance: ContainerInstance }> = [];

  for (const [instanceArn, copies] of copiesByInstance) {
    if (snapshot.instance(instanceArn)) continue;
    for (const copy of copies) stops.push({ taskArn: copy.arn, reason: `daemon ${rule.name}: its container instance is no longer registered` });
  }

  for (const instance of snapshot.instances()) {
    const [kept, ...duplicates] = copiesByInstance.get(instance.arn) ?? [];
    for (const duplicate of duplicates) {
      stops.push({ taskArn: duplicate.arn, reason: `daemon ${rule.name}: duplicate copy on ${instance.ec2InstanceId}, keeping ${kept!.arn}` });
    }
    if (instance.status !== 'ACTIVE') continue; // DRAINING and the like: place nothing, stop nothing more
    if (memberOf && !memberOf(instanceFacts(instance, groups))) {
      if (kept) {
        coverage.misscheduled += 1;
        misscheduled.push({ copy: kept, instance });
      }
      continue;
    }

    coverage.desired += 1;
    if (!kept) {
      const reason = placementProblem(instance, target);
      if (reason) coverage.failedToPlace.push({ containerInstanceArn: instance.arn, ec2InstanceId: instance.ec2InstanceId, reason });
      else starts.push({ launch, containerInstanceArn: instance.arn, reason: `daemon ${rule.name}: ${instance.ec2InstanceId} has no copy` });
      continue;
    }
    coverage.current += 1;
    if (kept.lastStatus === TaskStatus.Running) coverage.available += 1;
    if (kept.taskDefinitionArn === target.arn) coverage.upToDate += 1;
    else outdated.push(kept);
  }
  coverage.unavailable = coverage.desired - coverage.available;

  // A constraint that matches no ACTIVE instance while copies run is far more often a typo than
  // a wish to stop the daemon everywhere: keep them all (nothing is eligible, so nothing rolls out).
  if (rule.constraint !== undefined && coverage.desired === 0 && misscheduled.length > 0 && !rule.allowNoEligibleInstances) {
    return { starts, stops, coverage, unmatchedConstraint: { constraint: rule.constraint, keptCopies: misscheduled.length } };
  }

  // Misscheduled copies and the rollout share one budget: each copy stopped now leaves an
  // instance without a running copy (for a rollout, until its replacement runs). The percentage
  // counts every instance the daemon serves, so a constraint change that leaves 4 of 12
  // instances eligible still stops at most 25% of 12 at a time, not of 4.
  let budget = Math.max(0, unavailableBudget(rule.maxUnavailable, coverage.desired + coverage.misscheduled) - coverage.unavailable);
  for (const { copy, instance } of misscheduled.sort((a, b) => byAge(a.copy, b.copy)).slice(0, budget)) {
    stops.push({ taskArn: copy.arn, reason: `daemon ${rule.name}: ${instance.ec2InstanceId} no longer matches the constraint` });
    budget -= 1;
  }
  for (const copy of outdated.sort(byAge).slice(0, budget)) {
    stops.push({
      taskArn: copy.arn,
      reason: `daemon ${rule.name}: replacing ${revisionOf(copy)} with ${target.family}:${target.revision}`,
      awaitsReplacement: true,
    });
  }
  return { starts, stops, coverage };
}

/** Copies per instance, the one to keep first: running before pending, then the oldest. */
function groupCopies(copies: readonly Task[]): Map<string, Task[]> {
  const byInstance = new Map<string, Task[]>();
  for (const copy of copies) {
    if (!copy.containerInstanceArn) continue;
    byInstance.set(copy.containerInstanceArn, [...(byInstance.get(copy.containerInstanceArn) ?? []), copy]);
  }
  for (const list of byInstance.values()) {
    list.sort((a, b) => Number(b.lastStatus === TaskStatus.Running) - Number(a.lastStatus === TaskStatus.Running) || byAge(a, b));
  }
  return byInstance;
}

function byAge(a: Task, b: Task): number {
  return (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.arn.localeCompare(b.arn);
}

/** Why an eligible instance cannot take its copy now, if it cannot. */
function placementProblem(instance: ContainerInstance, target: TaskDefinitionInfo): RejectionReason | undefined {
  if (!instance.agentConnected) return 'AGENT';
  return capacityRejection(capacityOf(instance), target.requirements);
}

function revisionOf(task: Task): string {
  return `${task.family}:${task.revision}`;
}
