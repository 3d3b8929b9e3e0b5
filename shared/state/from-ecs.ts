import type {
  CapacityProvider,
  ContainerInstance as EcsContainerInstance,
  Resource,
  Task as EcsTask,
  TaskDefinition as EcsTaskDefinition,
} from '@aws-sdk/client-ecs';
import { parseTaskDefinitionArn } from '../ecs/task-definition-reference.js';
import { networkModeOf, parseCpu, parseMemory, taskRequirements } from './requirements.js';
import { TaskStatus, type ContainerInstance, type InstanceStatus, type Task, type TaskDefinitionInfo } from './types.js';

/** Converts ECS Describe answers into the snapshot's plain values. */

/** The attribute a snapshot gives each instance launched by a capacity provider: the provider's name. */
export const CAPACITY_PROVIDER_ATTRIBUTE = 'ecs.capacity-provider';
/** The attribute a snapshot gives each instance of an Auto Scaling group capacity provider: the group's name. */
export const AUTO_SCALING_GROUP_ATTRIBUTE = 'ecs.autoscaling-group';

/**
 * The Auto Scaling group behind each capacity provider, by provider name, from
 * DescribeCapacityProviders: `autoScalingGroupName/<name>` ends the group's ARN.
 */
export function autoScalingGroupsFromEcs(providers: readonly CapacityProvider[]): Map<string, string> {
  const groups = new Map<string, string>();
  for (const provider of providers) {
    const arn = provider.autoScalingGroupProvider?.autoScalingGroupArn;
    const marker = 'autoScalingGroupName/';
    if (provider.name && arn?.includes(marker)) groups.set(provider.name, arn.slice(arn.indexOf(marker) + marker.length));
  }
  return groups;
}

export function instanceFromEcs(ci: EcsContainerInstance): ContainerInstance {
  const arn = required(ci.containerInstanceArn, 'containerInstanceArn', 'container instance');
  const attributes = new Map<string, string | undefined>();
  for (const attribute of ci.attributes ?? []) {
    if (attribute.name) attributes.set(attribute.name, attribute.value);
  }
  // ECS reports the capacity provider beside the attributes, not among them; as an attribute, the
  // query language can target it: attribute:ecs.capacity-provider == spot-pool.
  if (ci.capacityProviderName) attributes.set(CAPACITY_PROVIDER_ATTRIBUTE, ci.capacityProviderName);
  return {
    arn,
    ec2InstanceId: ci.ec2InstanceId ?? '',
    ...(ci.capacityProviderName && { capacityProviderName: ci.capacityProviderName }),
    status: (ci.status ?? 'ACTIVE') as InstanceStatus,
    agentConnected: ci.agentConnected === true,
    agentVersion: ci.versionInfo?.agentVersion ?? '',
    registeredCpu: integerResource(ci.registeredResources, 'CPU'),
    registeredMemory: integerResource(ci.registeredResources, 'MEMORY'),
    remainingCpu: integerResource(ci.remainingResources, 'CPU'),
    remainingMemory: integerResource(ci.remainingResources, 'MEMORY'),
    tcpPortsInUse: portsResource(ci.remainingResources, 'PORTS'),
    udpPortsInUse: portsResource(ci.remainingResources, 'PORTS_UDP'),
    attributes,
    registeredAt: ci.registeredAt ?? new Date(0),
    runningTasksCount: ci.runningTasksCount ?? 0,
    pendingTasksCount: ci.pendingTasksCount ?? 0,
    version: ci.version ?? 0,
  };
}

/**
 * A task's resource use: its own task-level cpu/memory when ECS reports them, else what its
 * task definition reserves (EC2 tasks without task-level sizes report none).
 */
export function taskFromEcs(task: EcsTask, definition: TaskDefinitionInfo | undefined): Task {
  const arn = required(task.taskArn, 'taskArn', 'task');
  const taskDefinitionArn = required(task.taskDefinitionArn, 'taskDefinitionArn', `task ${arn}`);
  const { family, revision } = parseTaskDefinitionArn(taskDefinitionArn);
  return {
    arn,
    containerInstanceArn: task.containerInstanceArn,
    taskDefinitionArn,
    family,
    revision,
    startedBy: task.startedBy,
    group: task.group,
    // The last status ECS observed, not the one it is heading for: a task that is being stopped
    // is still RUNNING and still holds its resources.
    lastStatus: (task.lastStatus ?? TaskStatus.Provisioning) as TaskStatus,
    desiredStatus: (task.desiredStatus ?? TaskStatus.Running) as TaskStatus,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    cpu: parseCpu(task.cpu) ?? definition?.requirements.cpu ?? 0,
    memory: parseMemory(task.memory) ?? definition?.requirements.memory ?? 0,
    version: task.version ?? 0,
  };
}

export function taskDefinitionFromEcs(definition: EcsTaskDefinition): TaskDefinitionInfo {
  const arn = required(definition.taskDefinitionArn, 'taskDefinitionArn', 'task definition');
  return {
    arn,
    family: definition.family ?? parseTaskDefinitionArn(arn).family,
    revision: definition.revision ?? parseTaskDefinitionArn(arn).revision,
    networkMode: networkModeOf(definition),
    requirements: taskRequirements(definition),
    containerNames: (definition.containerDefinitions ?? []).flatMap((c) => (c.name ? [c.name] : [])),
    essentialContainers: (definition.containerDefinitions ?? []).flatMap((c) => (c.name && c.essential !== false ? [c.name] : [])),
    ...(definition.compatibilities && { compatibilities: [...definition.compatibilities] }),
    taskRoleArn: definition.taskRoleArn,
    executionRoleArn: definition.executionRoleArn,
  };
}

function integerResource(resources: Resource[] | undefined, name: string): number {
  return resources?.find((r) => r.name === name)?.integerValue ?? 0;
}

function portsResource(resources: Resource[] | undefined, name: string): number[] {
  const values = resources?.find((r) => r.name === name)?.stringSetValue ?? [];
  return values.map(Number).filter((port) => Number.isInteger(port));
}

function required<T>(value: T | undefined, field: string, what: string): T {
  if (value === undefined) throw new Error(`ECS answered a ${what} without ${field}`);
  return value;
}
