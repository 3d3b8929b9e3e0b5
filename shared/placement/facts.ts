import type { ContainerInstance, Task } from '../state/types.js';
import type { InstanceFacts } from './expression/index.js';

/** What the cluster query language can ask about an instance. */
export function instanceFacts(instance: ContainerInstance, groups: ReadonlyMap<string, readonly string[]>): InstanceFacts {
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId,
    agentConnected: instance.agentConnected,
    agentVersion: instance.agentVersion,
    registeredAt: instance.registeredAt,
    runningTasksCount: instance.runningTasksCount,
    attributes: instance.attributes,
    taskGroups: groups.get(instance.arn) ?? [],
  };
}

/** The `group` of every task, per instance (for task:group and distinctInstance). */
export function taskGroupsByInstance(tasks: readonly Task[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const task of tasks) {
    if (!task.containerInstanceArn || task.group === undefined) continue;
    const list = groups.get(task.containerInstanceArn) ?? [];
    list.push(task.group);
    groups.set(task.containerInstanceArn, list);
  }
  return groups;
}
