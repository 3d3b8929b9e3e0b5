import type { z } from 'zod';
import type { daemonRuleSchema } from '../../config/daemon.js';

/**
 * One daemon: a copy of a task definition on every eligible container instance of a cluster. Its
 * fields, their documentation and defaults are the config schema's (a type-only import: zod
 * stays out of the Lambda bundles).
 */
export type DaemonRule = z.output<typeof daemonRuleSchema>;

const STARTED_BY_PREFIX = 'daemon/';

/**
 * The startedBy of every copy: it makes copies findable with one filtered ListTasks, and tells
 * the reconcile which tasks are its own. ECS allows 36 characters of [A-Za-z0-9/_-].
 */
export function daemonKey(rule: Pick<DaemonRule, 'name'>): string {
  return `${STARTED_BY_PREFIX}${rule.name}`;
}

/**
 * The disruption budget: how many of the instances a daemon serves may be without a running copy
 * at once, whether a rollout or a changed constraint stopped it.
 */
export function unavailableBudget(maxUnavailable: DaemonRule['maxUnavailable'], served: number): number {
  if (maxUnavailable === undefined) return 1;
  if (typeof maxUnavailable === 'number') return Math.max(1, Math.floor(maxUnavailable));
  // As a Kubernetes DaemonSet does: a percentage rounds up, so 25% of 3 instances is 1, not 0.
  return Math.max(1, Math.ceil((Number(maxUnavailable.slice(0, -1)) / 100) * served));
}
