import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { taskDefinitionFromEcs } from './from-ecs.js';
import type { TaskDefinitionInfo } from './types.js';

/**
 * A revisioned task definition never changes, so answers are kept by full ARN for the life of
 * the process (a warm Lambda pays for each revision once). A bare family or family:revision is
 * always asked again: "family" means the latest ACTIVE revision, which moves.
 */
const byArn = new Map<string, TaskDefinitionInfo>();

export async function describeTaskDefinition(
  ecs: ECSClient,
  reference: string,
  options: { abortSignal?: AbortSignal } = {},
): Promise<TaskDefinitionInfo> {
  const cached = byArn.get(reference);
  if (cached) return cached;
  const answer = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference }), options);
  if (!answer.taskDefinition) throw new Error(`DescribeTaskDefinition for "${reference}" answered no task definition`);
  const info = taskDefinitionFromEcs(answer.taskDefinition);
  byArn.set(info.arn, info);
  return info;
}

/** For tests that count API calls from a cold start. */
export function forgetTaskDefinitions(): void {
  byArn.clear();
}
