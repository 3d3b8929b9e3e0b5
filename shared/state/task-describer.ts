import { DescribeTasksCommand, type ECSClient, type Task as EcsTask } from '@aws-sdk/client-ecs';
import type { ReadPacer } from './read-pacer.js';

/** DescribeTasks takes at most 100 tasks. */
const PAGE = 100;

/** The tasks asked for while the call ahead of them was in flight, and the call that answers them. */
interface Waiting {
  arns: Set<string>;
  answer: Promise<Map<string, EcsTask>>;
}

/** Per client and cluster: the last call (in flight or done), and the one still gathering tasks. */
interface Lane {
  last: Promise<unknown>;
  gathering: Waiting | undefined;
}

const lanes = new WeakMap<ECSClient, Map<string, Lane>>();

/**
 * DescribeTasks of these tasks, sent together with those other callers of the same client and
 * cluster ask for meanwhile: calls go one at a time, and whoever asks while one is in flight
 * joins the next, one call per 100 tasks. A batch of run ends (a cluster's cron rules that fired
 * together end together) then costs a call or two, not one each, from the account's shared read
 * bucket; no caller waits for more than the call ahead of its own. Tasks ECS no longer knows are
 * absent from the answer. A failed call fails every caller that joined it, and no other.
 */
export function describeTasksTogether(ecs: ECSClient, cluster: string, taskArns: readonly string[], pacer: ReadPacer): Promise<Map<string, EcsTask>> {
  const lane = laneOf(ecs, cluster);
  if (!lane.gathering) {
    const waiting: Waiting = { arns: new Set(), answer: undefined as never };
    waiting.answer = lane.last.then(() => {
      // Sending now: whoever asks from here on joins the call after this one.
      if (lane.gathering === waiting) lane.gathering = undefined;
      return send(ecs, cluster, [...waiting.arns], pacer);
    });
    lane.gathering = waiting;
    lane.last = waiting.answer.catch(() => undefined);
  }
  for (const arn of taskArns) lane.gathering.arns.add(arn);
  return lane.gathering.answer;
}

function laneOf(ecs: ECSClient, cluster: string): Lane {
  const byCluster = lanes.get(ecs) ?? new Map<string, Lane>();
  lanes.set(ecs, byCluster);
  const lane = byCluster.get(cluster) ?? { last: Promise.resolve(), gathering: undefined };
  byCluster.set(cluster, lane);
  return lane;
}

async function send(ecs: ECSClient, cluster: string, arns: readonly string[], pacer: ReadPacer): Promise<Map<string, EcsTask>> {
  const found = new Map<string, EcsTask>();
  for (let start = 0; start < arns.length; start += PAGE) {
    const { tasks = [] } = await pacer.run(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(start, start + PAGE) })));
    for (const task of tasks) if (task.taskArn) found.set(task.taskArn, task);
  }
  return found;
}
