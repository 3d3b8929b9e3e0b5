import { RunTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { PlannedRun } from '../rules/plan.js';
import { taskFromEcs } from '../state/from-ecs.js';
import type { Snapshot } from '../state/snapshot.js';
import type { ApplyResult, FailedAction } from './apply.js';

/**
 * Sends each planned RunTask, one after another (they share the account's write bucket), and
 * books what ECS answers: tasks into the result and the snapshot, `failures[]` (no Fargate
 * capacity, RESOURCE:*, a capacity provider without room) as failed starts, which the cron
 * handler retries until the starting deadline with a new client token. A call whose answer is
 * lost (or that the SDK sent more than once before it failed) is marked outcome unknown: the SDK
 * has already retried it with the same client token, which is safe for RunTask, and the next
 * attempt re-reads the cluster and sends that token again.
 */
export async function runTasks(ecs: ECSClient, snapshot: Snapshot, runs: readonly PlannedRun[], result: ApplyResult): Promise<void> {
  for (const run of runs) await runOne(ecs, snapshot, run, result);
}

async function runOne(ecs: ECSClient, snapshot: Snapshot, run: PlannedRun, result: ApplyResult): Promise<void> {
  const { launch } = run;
  const failed = (failure: Pick<FailedAction, 'reason' | 'detail' | 'outcomeUnknown'>) =>
    result.failed.push({ action: 'start', call: 'RunTask', target: describeTarget(run), startedBy: launch.startedBy, ...failure });
  try {
    const answer = await ecs.send(
      new RunTaskCommand({
        cluster: snapshot.cluster.arn,
        taskDefinition: launch.taskDefinitionArn,
        count: run.count,
        startedBy: launch.startedBy,
        group: launch.group,
        overrides: launch.overrides,
        tags: launch.tags && Object.entries(launch.tags).map(([key, value]) => ({ key, value })),
        clientToken: run.clientToken,
        ...run.placement,
      }),
    );
    const definition = snapshot.taskDefinition(launch.taskDefinitionArn);
    const tasks = (answer.tasks ?? []).filter((task) => task.taskArn !== undefined);
    for (const task of tasks) {
      result.started.push({ taskArn: task.taskArn!, containerInstanceArn: task.containerInstanceArn, startedBy: launch.startedBy, reason: run.reason });
      if (task.containerInstanceArn && definition) snapshot.reserve(task.containerInstanceArn, definition.requirements);
    }
    snapshot.putTasks(tasks.map((task) => taskFromEcs(task, definition)));
    // An answer is the whole truth: ECS started these tasks and no others. It lists failures per
    // instance or provider, not per copy, so fewer failures than missing copies is usual.
    const failures = answer.failures ?? [];
    for (const failure of failures) failed({ reason: failure.reason ?? 'UNKNOWN', ...(failure.detail && { detail: failure.detail }) });
    if (failures.length === 0 && tasks.length < run.count) {
      failed({ reason: 'NOT_STARTED', detail: `RunTask started ${tasks.length} of ${run.count} copies and gave no reason` });
    }
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
    const status = e.$metadata?.httpStatusCode;
    // ECS refused the call (4xx) and started nothing, unless the SDK had sent it before: an earlier
    // try whose answer was lost may have started the tasks, whatever the last try heard. Then the
    // outcome is unknown, and the retry repeats the token, which answers with those tasks.
    const refused = status !== undefined && status >= 400 && status < 500 && (e.$metadata?.attempts ?? 1) <= 1;
    failed({ reason: e.name ?? 'Error', detail: e.message, ...(!refused && { outcomeUnknown: true }) });
  }
}

/** Where the call asked ECS to run the copies, for the slot's failure report. */
function describeTarget(run: PlannedRun): string {
  const { placement } = run;
  if (placement.launchType) return placement.launchType;
  return `capacity providers ${(placement.capacityProviderStrategy ?? []).map((item) => item.capacityProvider).join(', ')}`;
}
