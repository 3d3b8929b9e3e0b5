import { applyPlan } from '../../ecs/apply.js';
import { CallCounter } from '../../ecs/call-counter.js';
import { parseTrigger } from '../../events/triggers.js';
import { reportDaemon, type DaemonOutcome } from '../../report/daemon-report.js';
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
}

/**
 * Handles one batch from the rule's FIFO queue (the queue serializes the rule, so two batches
 * never run at once). Every message is only a hint: the batch costs at most one reconcile of the
 * whole rule from fresh state, and none when the last reconcile already covers it. A failed
 * reconcile throws, so the batch returns to the queue and, after its retries, to the dead-letter
 * queue; nothing is dropped silently.
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
  await reconcileRule(context, reason);
  return { dropped, reconciled: reason };
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
