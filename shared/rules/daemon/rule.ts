import type { TaskOverride } from '@aws-sdk/client-ecs';

/** One daemon: a copy of a task definition on every eligible container instance of a cluster. */
export interface DaemonRule {
  /** Letters, digits, `-` and `_`, at most 29 characters: it becomes part of the task's startedBy. */
  name: string;
  cluster: string;
  /** Family (latest ACTIVE revision), family:revision, or a full task definition ARN. */
  taskDefinition: string;
  /** Cluster query language expression selecting the eligible instances; all ACTIVE instances when absent. */
  constraint?: string;
  /**
   * IAM role ARNs the task definition names (task role, execution role): the function may pass
   * only these to ECS. Default none, for task definitions without roles.
   */
  passRoles?: readonly string[];
  overrides?: TaskOverride;
  tags?: Readonly<Record<string, string>>;
  /** During a rollout, at most this many eligible instances without a running copy: a count, or a percentage of the eligible instances (rounded up). Default 1. */
  maxUnavailable?: number | `${number}%`;
  /** Minutes between full sweeps, which catch anything an event missed. Default 5. */
  sweepIntervalMinutes?: number;
}

const STARTED_BY_PREFIX = 'daemon/';

/**
 * The startedBy of every copy: it makes copies findable with one filtered ListTasks, and tells
 * the reconcile which tasks are its own. ECS allows 36 characters of [A-Za-z0-9/_-].
 */
export function daemonKey(rule: Pick<DaemonRule, 'name'>): string {
  return `${STARTED_BY_PREFIX}${rule.name}`;
}

export const DAEMON_NAME_PATTERN = /^[A-Za-z0-9_-]{1,29}$/;

/** The rollout budget: how many eligible instances may be without a running copy at once. */
export function unavailableBudget(maxUnavailable: DaemonRule['maxUnavailable'], eligible: number): number {
  if (maxUnavailable === undefined) return 1;
  if (typeof maxUnavailable === 'number') return Math.max(1, Math.floor(maxUnavailable));
  // As a Kubernetes DaemonSet does: a percentage rounds up, so 25% of 3 instances is 1, not 0.
  return Math.max(1, Math.ceil((Number(maxUnavailable.slice(0, -1)) / 100) * eligible));
}
