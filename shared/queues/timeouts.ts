import { secondsToDeadline, type DeadlineFields } from '../rules/cron/deadline.js';

/**
 * How long a rule's function (a cron rule's: its cluster runner's) may run and how its SQS FIFO queue hands a message out again: one
 * source for the stack (infra/) and the local FIFO queue (local/pipeline), and for the cron
 * handler's completion bound, which is only safe if it outlasts the queue's redeliveries.
 */
export interface QueueTimeouts {
  /** The Lambda's timeout. */
  functionSeconds: number;
  /** How long a received message stays invisible: also how soon a failed or crashed one comes back. */
  visibilitySeconds: number;
  /** Receives before the message moves to the dead-letter queue. */
  maxReceiveCount: number;
}

/** Lambda's ceiling. */
export const MAX_FUNCTION_SECONDS = 900;
/** Receives per message, the first included, before the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;
/** A batch is in flight at most as long as the function runs; the margin covers Lambda's polling. */
export const CRON_VISIBILITY_MARGIN_SECONDS = 30;
/** A reconcile of a large cluster under throttling takes seconds; a minute leaves room. */
const DAEMON_FUNCTION_SECONDS = 60;

/**
 * A cron rule's timeouts. The function retries for capacity until the starting deadline, so its
 * timeout is the deadline (flexible window included) plus a minute, at most Lambda's 900 s; a
 * failed message comes back after the timeout + 30 s, not AWS's six times: while it waits, it
 * holds up every later slot of the rule's message group.
 */
export function cronTimeouts(rule: DeadlineFields): QueueTimeouts {
  const functionSeconds = Math.min(MAX_FUNCTION_SECONDS, secondsToDeadline(rule) + 60);
  return { functionSeconds, visibilitySeconds: functionSeconds + CRON_VISIBILITY_MARGIN_SECONDS, maxReceiveCount: MAX_RECEIVE_COUNT };
}

/**
 * The timeouts of a function and queue that serve several cron rules (one cluster's): the
 * function must cover the longest rule, and so the queue's visibility, and the completion bound
 * of every slot, follow the longest one.
 */
export function cronRunnerTimeouts(rules: readonly DeadlineFields[]): QueueTimeouts {
  if (rules.length === 0) throw new Error('cronRunnerTimeouts: a runner serves at least one rule');
  return rules.map(cronTimeouts).reduce((longest, next) => (next.functionSeconds > longest.functionSeconds ? next : longest));
}

/**
 * How long after its claim a begun slot is still completed: every receive of its message the
 * queue can still make, each running to the function's timeout. The claim is written within the
 * first receive, so receive k (k = 2..maxReceiveCount) comes at most (k - 1) visibility timeouts
 * after it; the last one runs at most a function timeout more. Past that no delivery of the slot
 * can come, so a slot still short of copies then has failed, and the next look reports it so.
 */
export function completionBoundSeconds(timeouts: QueueTimeouts): number {
  return (timeouts.maxReceiveCount - 1) * timeouts.visibilitySeconds + timeouts.functionSeconds;
}

/**
 * How a cluster's cron runner receives its messages: batches of up to 10 (FIFO's most), which may
 * hold several rules' groups, and at most this many invocations at once (each one a warm instance
 * with its own instance scan). Slots that fire together then share a few scans, not one each;
 * the price is that a slot waiting for capacity keeps its invocation, so a few such slots at once
 * delay the cluster's other rules. More invocations, more scans.
 */
export const CRON_RUNNER_BATCH = { batchSize: 10, maxConcurrency: 2 } as const;

/** A daemon rule's: its queue keeps AWS's six times the function timeout (batches of 10 events). */
export const DAEMON_TIMEOUTS: QueueTimeouts = {
  functionSeconds: DAEMON_FUNCTION_SECONDS,
  visibilitySeconds: DAEMON_FUNCTION_SECONDS * 6,
  maxReceiveCount: MAX_RECEIVE_COUNT,
};
