import { TaskStatus } from '../state/types.js';

/**
 * The EventBridge rule patterns that feed a daemon rule, shared by the CDK construct (which
 * deploys them) and the local event pipeline (which applies them), so both deliver the same
 * events.
 */
export type EventPattern = { [field: string]: readonly unknown[] | EventPattern };

/** EventBridge's prefix matcher, one of the values a field may list. */
export interface PrefixMatch {
  prefix: string;
}

/** Every state change of the cluster's container instances. */
export function instanceEventsPattern(clusterArn: string): EventPattern {
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Container Instance State Change'],
    detail: { clusterArn: [clusterArn] },
  };
}

/**
 * Only the daemon's own copies, and only when they reach RUNNING or STOPPED: a copy that stops
 * may need replacing, and during a rollout a copy that runs frees the budget for the next step.
 * Their PENDING and provisioning events could never change a plan.
 */
export function copyLifecyclePattern(clusterArn: string, startedBy: string): EventPattern {
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { clusterArn: [clusterArn], startedBy: [startedBy], lastStatus: [TaskStatus.Running, TaskStatus.Stopped] },
  };
}

/**
 * Every copy of a cron rule's runs, of any slot and attempt, once it has STOPPED: how a run's
 * outcome is learned. The rule's startedBy prefix keeps other rules' and other tools' tasks out.
 */
export function runEndsPattern(clusterArn: string, startedByPrefix: string): EventPattern {
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { clusterArn: [clusterArn], startedBy: [{ prefix: startedByPrefix } satisfies PrefixMatch], lastStatus: ['STOPPED'] },
  };
}

/**
 * Whether an event matches a pattern, for the subset of EventBridge's pattern language used
 * above: nested objects, and arrays of exact values or prefixes (any one matches).
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) return expected.some((value) => (isPrefix(value) ? typeof actual === 'string' && actual.startsWith(value.prefix) : value === actual));
    return matchesPattern(expected as EventPattern, actual);
  });
}

function isPrefix(value: unknown): value is PrefixMatch {
  return typeof value === 'object' && value !== null && typeof (value as PrefixMatch).prefix === 'string';
}
