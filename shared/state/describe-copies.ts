import type { ECSClient } from '@aws-sdk/client-ecs';
import type { CopyState } from '../rules/cron/run-outcome.js';
import { processReadPacer, type ReadPacer } from './read-pacer.js';
import { describeTasksTogether } from './task-describer.js';
import { describeTaskDefinition } from './task-definitions.js';

/**
 * How the given tasks stand now, straight from DescribeTasks (an event is only a hint), with each
 * container marked essential or not from its task definition. A task ECS no longer knows (it keeps
 * a stopped task for about an hour) maps to undefined. Paced with the loads, and sent together
 * with other callers' (a batch of run ends): a burst must not spend the account's reads one by one.
 */
export async function describeCopies(ecs: ECSClient, cluster: string, taskArns: readonly string[], pacer: ReadPacer = processReadPacer): Promise<Map<string, CopyState | undefined>> {
  const states = new Map<string, CopyState | undefined>(taskArns.map((arn) => [arn, undefined]));
  const described = await describeTasksTogether(ecs, cluster, taskArns, pacer);
  for (const arn of taskArns) {
    const task = described.get(arn);
    if (!task?.taskDefinitionArn) continue;
    const definition = await describeTaskDefinition(ecs, task.taskDefinitionArn);
    const essential = new Set(definition.essentialContainers);
    states.set(arn, {
      taskArn: arn,
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
  return states;
}
