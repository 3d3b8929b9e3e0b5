import { DescribeTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { CopyState } from '../rules/cron/run-outcome.js';
import { processReadPacer, type ReadPacer } from './read-pacer.js';
import { describeTaskDefinition } from './task-definitions.js';

/** DescribeTasks takes at most 100 tasks. */
const PAGE = 100;

/**
 * How the given tasks stand now, straight from DescribeTasks (an event is only a hint), with each
 * container marked essential or not from its task definition. A task ECS no longer knows (it keeps
 * a stopped task for about an hour) maps to undefined.
 */
export async function describeCopies(ecs: ECSClient, cluster: string, taskArns: readonly string[], pacer: ReadPacer = processReadPacer): Promise<Map<string, CopyState | undefined>> {
  const states = new Map<string, CopyState | undefined>(taskArns.map((arn) => [arn, undefined]));
  for (let start = 0; start < taskArns.length; start += PAGE) {
    // Paced with the loads: a burst of run ends (a batch of them) must not throttle the account's reads.
    const { tasks = [] } = await pacer.run(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(start, start + PAGE) })));
    for (const task of tasks) {
      if (!task.taskArn || !task.taskDefinitionArn) continue;
      const definition = await describeTaskDefinition(ecs, task.taskDefinitionArn);
      const essential = new Set(definition.essentialContainers);
      states.set(task.taskArn, {
        taskArn: task.taskArn,
        lastStatus: task.lastStatus ?? 'UNKNOWN',
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason,
        stoppedAt: task.stoppedAt,
        containers: (task.containers ?? []).map((container) => ({
          name: container.name ?? '?',
          essential: essential.has(container.name ?? ''),
          exitCode: container.exitCode,
          reason: container.reason,
        })),
      });
    }
  }
  return states;
}
