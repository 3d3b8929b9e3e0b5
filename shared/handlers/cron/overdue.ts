import { applyPlan } from '../../ecs/apply.js';
import { CallCounter } from '../../ecs/call-counter.js';
import type { CronOverdueOutcome } from '../../report/cron-report.js';
import type { OverdueStop } from '../../report/result-events.js';
import { planOverdueStops } from '../../rules/cron/overdue.js';
import { slotOfKey, type CronRule } from '../../rules/cron/rule.js';
import { cronScope } from '../../rules/cron/scope.js';
import type { PlannedStop } from '../../rules/plan.js';
import { loadSnapshot } from '../../state/load.js';
import type { Snapshot } from '../../state/snapshot.js';
import { describeTaskDefinition } from '../../state/task-definitions.js';
import type { CronContext } from './context.js';

/**
 * The periodic max-run-time pass of one rule: stops, with a reason ECS keeps as the task's
 * stoppedReason, every run that has gone on longer than maxRunSeconds. A stop that fails is
 * reported and left to the next pass. Undefined when the rule has no limit (nothing is read).
 */
export async function stopOverdueRuns(rule: CronRule, context: CronContext): Promise<CronOverdueOutcome | undefined> {
  if (rule.maxRunSeconds === undefined) {
    context.logger.info('cron overdue pass: the rule has no maxRunSeconds, nothing to do', { rule: rule.name });
    return undefined;
  }
  // The client is the function's, shared by the rules running beside this one: count only this pass's requests.
  const calls = new CallCounter();
  return calls.count(context.ecs, () => stopCounted(rule, rule.maxRunSeconds!, context, calls));
}

async function stopCounted(rule: CronRule, maxRunSeconds: number, context: CronContext, calls: CallCounter): Promise<CronOverdueOutcome> {
  const { ecs } = context;
  const target = await describeTaskDefinition(ecs, rule.taskDefinition);
  const now = context.now();
  const snapshot = await loadSnapshot(ecs, rule.cluster, cronScope(rule, target), {
    taskDefinitions: [target.arn],
    now,
    ...(context.readPacer && { pacer: context.readPacer }),
  });
  try {
    const stops = planOverdueStops({ snapshot, rule, now });
    const result = await applyPlan(ecs, snapshot, { starts: [], stops });
    return {
      rule: rule.name,
      clusterArn: snapshot.cluster.arn,
      maxRunSeconds,
      stopped: result.stopped.map((stop) => overdueStopView(snapshot, rule, stop, now)),
      failed: result.failed,
      apiCalls: calls.total(),
      throttles: calls.throttles(),
    };
  } finally {
    snapshot.close();
  }
}

/**
 * An overdue run as a person looks at it: its slot, where it runs, how long it has run, and the
 * reason it is (or would be) stopped. The pass reports the runs it stopped so, and
 * `ecs-sched plan` the runs it would stop.
 */
export function overdueStopView(snapshot: Snapshot, rule: CronRule, stop: PlannedStop, now: Date): OverdueStop {
  const task = snapshot.task(stop.taskArn);
  const since = task?.startedAt ?? task?.createdAt;
  const instance = task?.containerInstanceArn;
  return {
    taskArn: stop.taskArn,
    slot: slotOfKey(rule, task?.startedBy)?.toISOString() ?? String(task?.startedBy),
    containerInstanceArn: instance,
    ec2InstanceId: instance === undefined ? undefined : snapshot.instance(instance)?.ec2InstanceId,
    runningSeconds: since && Math.round((now.getTime() - since.getTime()) / 1000),
    reason: stop.reason,
  };
}
