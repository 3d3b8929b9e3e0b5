import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { applyPlan } from '../../ecs/apply.js';
import { CallCounter } from '../../ecs/call-counter.js';
import { isTransientEcsError } from '../../ecs/transient.js';
import { parseTrigger } from '../../events/triggers.js';
import { DAEMON_TIMEOUTS } from '../../queues/timeouts.js';
import { reportDaemon, type DaemonOutcome } from '../../report/daemon-report.js';
import { MetricName, ruleDimensions } from '../../report/vocabulary.js';
import { reconcileDaemon } from '../../rules/daemon/reconcile.js';
import type { DaemonRule } from '../../rules/daemon/rule.js';
import { explainAccessDenied } from '../../rules/pass-roles.js';
import { daemonScope } from '../../rules/daemon/scope.js';
import { loadSnapshot } from '../../state/load.js';
import type { HandlerContext, QueueMessage } from '../context.js';
import type { DaemonMemory } from './memory.js';
import { verifyStarts } from './verify-starts.js';

/** What the daemon handler needs beyond every handler's context. */
export interface DaemonContext extends HandlerContext {
  rule: DaemonRule;
  /** What the last reconcile saw, kept while the function is warm. */
  memory: DaemonMemory;
}

export interface BatchOutcome {
  /** Messages that were not a trigger we understand: logged and dropped. */
  dropped: number;
  /** Why the rule was reconciled, or undefined when the last snapshot covered the whole batch. */
  reconciled: string | undefined;
  /** The reconcile failed on ECS errors at the batch's last receive: left to the next sweep (see below). */
  leftToSweep?: true;
}

/** Time a reconcile needs: one more is tried only while this much of the function's time is left. */
export const RECONCILE_RESERVE_MS = 20_000;
const FIRST_RETRY_WAIT_MS = 1_000;
const MAX_RETRY_WAIT_MS = 8_000;

/**
 * Handles one batch from the rule's FIFO queue (the queue serializes the rule, so two batches
 * never run at once). Every message is only a hint: the batch costs at most one reconcile of the
 * whole rule from fresh state, and none when the last reconcile already covers it.
 *
 * A reconcile that fails on ECS errors (throttles, 5xx, timeouts: a brownout) is tried again
 * within the function's time, after a growing wait: returned to the queue, the batch would hold
 * up the cluster's message group for a whole visibility timeout (6 minutes), and every instance
 * that joins meanwhile would wait with it. If it still fails at the batch's last receive, the
 * batch is acknowledged with an error log and the ReconcilesFailed metric rather than
 * dead-lettered: its messages only asked for a reconcile, which the next sweep does from fresh
 * state, so nothing is lost and no person is needed. Any other failure (access denied, a
 * cluster that does not exist, a bug) throws: the batch returns to the queue and, after its
 * receives, reaches the dead-letter queue, whose alarm then means a person is needed.
 */
export async function handleDaemonBatch(messages: readonly QueueMessage[], context: DaemonContext): Promise<BatchOutcome> {
  let dropped = 0;
  let reason: string | undefined;
  for (const message of messages) {
    const parsed = parseTrigger(message.body);
    if (!parsed.ok) {
      dropped += 1;
      context.logger.warn('dropped a message that is not a daemon trigger', { messageId: message.messageId, problem: parsed.problem });
      continue;
    }
    reason ??= context.memory.reasonToReconcile(parsed.trigger);
  }
  if (reason === undefined) {
    context.logger.debug('the last snapshot covers this batch', { rule: context.rule.name, messages: messages.length });
    return { dropped, reconciled: undefined };
  }
  try {
    await reconcileWithinBudget(context, reason);
  } catch (error) {
    const lastReceive = messages.some((message) => (message.receiveCount ?? 1) >= DAEMON_TIMEOUTS.maxReceiveCount);
    if (!lastReceive || !isTransientEcsError(error)) throw error;
    context.logger.error('daemon reconcile failed on ECS errors at the last receive: the batch is left to the next sweep, not dead-lettered', {
      rule: context.rule.name,
      messages: messages.length,
      error: error as Error,
    });
    context.metrics.addDimensions(ruleDimensions(context.rule.name, 'daemon'));
    context.metrics.addMetric(MetricName.ReconcilesFailed, MetricUnit.Count, 1);
    context.metrics.publishStoredMetrics();
    return { dropped, reconciled: undefined, leftToSweep: true };
  }
  return { dropped, reconciled: reason };
}

/** Reconciles, trying again after ECS errors while the function has time for another reconcile. */
async function reconcileWithinBudget(context: DaemonContext, reason: string): Promise<DaemonOutcome> {
  for (let waitMs = FIRST_RETRY_WAIT_MS; ; waitMs = Math.min(2 * waitMs, MAX_RETRY_WAIT_MS)) {
    try {
      return await reconcileRule(context, reason);
    } catch (error) {
      if (!isTransientEcsError(error) || context.remainingTimeMs() - waitMs < RECONCILE_RESERVE_MS) throw error;
      context.logger.warn('daemon reconcile failed on ECS errors; trying again within the function\'s time', { rule: context.rule.name, waitMs, error: error as Error });
      await context.sleep(waitMs);
    }
  }
}

/**
 * Load, decide, act, check, report: one full reconcile of the rule. The check (verifyStarts)
 * settles lost StartTask answers and stops duplicates of a concurrent reconcile before the
 * report. Returns what it reported.
 */
export async function reconcileRule(context: DaemonContext, reason: string): Promise<DaemonOutcome> {
  const { rule, ecs } = context;
  const calls = new CallCounter().attach(ecs);
  const snapshot = await loadSnapshot(ecs, rule.cluster, daemonScope(rule), {
    taskDefinitions: [rule.taskDefinition],
    now: context.now(),
    ...(context.readPacer && { pacer: context.readPacer }),
  });
  try {
    const target = snapshot.taskDefinition(rule.taskDefinition)!;
    const plan = reconcileDaemon(snapshot, rule, target);
    const applied = await applyPlan(ecs, snapshot, plan);
    const result = await verifyStarts(context, snapshot, { ...applied, failed: explainAccessDenied(applied.failed, rule, target) });
    context.memory.remember(snapshot, {
      started: result.started.map((s) => s.taskArn),
      quietStops: result.stopped.filter((s) => !s.awaitsReplacement).map((s) => s.taskArn),
      waitingForRoom: [
        ...plan.coverage.failedToPlace.map((f) => f.containerInstanceArn),
        ...result.failed.filter((f) => f.action === 'start').map((f) => f.target),
      ],
      failed: result.failed.length > 0,
      rollingOut: plan.coverage.upToDate < plan.coverage.current,
    });
    const outcome: DaemonOutcome = {
      rule: rule.name,
      clusterArn: snapshot.cluster.arn,
      reason,
      coverage: plan.coverage,
      result,
      ...(plan.unmatchedConstraint && { unmatchedConstraint: plan.unmatchedConstraint }),
      apiCalls: calls.total(),
      throttles: calls.throttles(),
    };
    await reportDaemon(outcome, context);
    return outcome;
  } finally {
    snapshot.close();
  }
}
