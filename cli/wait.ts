import { DescribeTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { DaemonPlanView } from './plans.js';
import type { DaemonRunView } from './render.js';
import { shortId } from './render.js';

/**
 * `run --wait`: following what a run started, as `kubectl rollout status` does. Polling, not
 * events: the CLI has no event bus, and List/Describe is what it already has permission for.
 */

/** How often to look again: fast enough to follow a rollout, far below ECS's read bucket (20/s). */
export const POLL_MS = 1000;

export interface Waiter {
  /** Whether the --timeout has passed. */
  expired(): boolean;
  sleep(): Promise<void>;
  say(line: string): void;
}

export interface RolloutResult {
  done: boolean;
  /** Set when a reconcile changed nothing and had actions refused: trying again would only repeat the refusal. */
  stuck?: string;
  last: DaemonPlanView;
  reconciles: DaemonRunView[];
}

/**
 * Reconciles the daemon again whenever its plan has starts or stops, as the Lambda does on each
 * copy's RUNNING or STOPPED event, so the rollout goes on at the rule's maxUnavailable pace (the
 * reconcile keeps to it), until every eligible instance that can take a copy runs an up-to-date
 * one. A progress line is printed whenever the counts change.
 */
export async function followRollout(
  rule: string,
  plan: () => Promise<DaemonPlanView>,
  reconcile: () => Promise<DaemonRunView>,
  waiter: Waiter,
): Promise<RolloutResult> {
  const reconciles: DaemonRunView[] = [];
  let said = '';
  for (;;) {
    const view = await plan();
    const { desired, current, upToDate, available, failedToPlace } = view.coverage;
    const line = `Waiting for daemon ${rule} rollout to finish: ${upToDate} of ${desired} updated, ${available} available${failedToPlace.length > 0 ? `, ${failedToPlace.length} cannot take a copy` : ''}...`;
    const settled = view.starts.length === 0 && view.stops.length === 0 && upToDate === current && available === current && current === desired - failedToPlace.length;
    if (settled) {
      waiter.say(`daemon ${rule} successfully rolled out: ${available} of ${desired} instances run ${view.taskDefinition.slice(view.taskDefinition.lastIndexOf('/') + 1)}`);
      return { done: true, last: view, reconciles };
    }
    if (line !== said) waiter.say(line);
    said = line;
    if (waiter.expired()) return { done: false, last: view, reconciles };
    if (view.starts.length + view.stops.length > 0) {
      const run = await reconcile();
      reconciles.push(run);
      if (run.started.length + run.stopped.length === 0 && run.failed.length > 0) {
        return { done: false, stuck: `the reconcile changed nothing: ${run.failed.map((failure) => failure.reason).join('; ')}`, last: view, reconciles };
      }
    }
    // A copy just stopped may hold its host ports until STOPPED: sleep after a reconcile too.
    await waiter.sleep();
  }
}

export interface CopyEnd {
  taskArn: string;
  lastStatus: string;
  stoppedReason?: string;
  exitCodes: string[];
}

/** Follows a cron run's copies until each is RUNNING or STOPPED, printing each change of status. */
export async function followCopies(ecs: ECSClient, cluster: string, taskArns: readonly string[], waiter: Waiter): Promise<{ done: boolean; copies: CopyEnd[] }> {
  const seen = new Map<string, string>();
  for (;;) {
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [...taskArns] }));
    const copies = tasks.map((task) => ({
      taskArn: task.taskArn!,
      lastStatus: task.lastStatus ?? 'UNKNOWN',
      ...(task.stoppedReason && { stoppedReason: task.stoppedReason }),
      exitCodes: (task.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`),
    }));
    for (const copy of copies) {
      if (seen.get(copy.taskArn) === copy.lastStatus) continue;
      seen.set(copy.taskArn, copy.lastStatus);
      const end = copy.lastStatus === 'STOPPED' ? `: ${copy.stoppedReason ?? 'no reason given'}${copy.exitCodes.length > 0 ? ` (exit ${copy.exitCodes.join(', ')})` : ''}` : '';
      waiter.say(`task ${shortId(copy.taskArn)}: ${copy.lastStatus}${end}`);
    }
    if (copies.every((copy) => copy.lastStatus === 'RUNNING' || copy.lastStatus === 'STOPPED')) return { done: true, copies };
    if (waiter.expired()) return { done: false, copies };
    await waiter.sleep();
  }
}
