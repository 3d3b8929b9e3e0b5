import type { Attachment, Cluster, Container, ContainerInstance, Resource, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ClusterRecord, ContainerRecord, InstanceRecord, TaskDefinitionRecord, TaskRecord } from './model.js';

/**
 * An SDK model type as it travels: timestamps become `D`, epoch seconds in API answers and ISO
 * strings in EventBridge events. Typing shapes against the SDK's own models keeps field names
 * honest.
 */
export type Wire<T, D> = T extends Date
  ? D
  : T extends (infer U)[]
    ? Wire<U, D>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K], D> }
      : T;

export type TimeFormat<D> = (epochMs: number) => D;
export const epochSeconds: TimeFormat<number> = (ms) => ms / 1000;
export const isoTime: TimeFormat<string> = (ms) => new Date(ms).toISOString();

export interface ShapeOptions {
  /** DescribeTasks and DescribeContainerInstances return tags only when asked (`include: ['TAGS']`). */
  tags?: boolean;
}

export function clusterShape(cluster: ClusterRecord): Wire<Cluster, number> {
  let registered = 0;
  let running = 0;
  let pending = 0;
  for (const instance of cluster.instances) {
    if (instance.status !== 'INACTIVE') registered++;
    running += instance.runningTasksCount;
    pending += instance.pendingTasksCount;
  }
  // Fargate tasks count too, though no instance holds them.
  for (const task of cluster.tasks) {
    if (task.instance || task.lastStatus === 'STOPPED') continue;
    if (task.lastStatus === 'RUNNING') running++;
    else pending++;
  }
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: registered,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: 0,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [...cluster.capacityProviders.keys()],
    defaultCapacityProviderStrategy: cluster.defaultStrategy.map((item) => ({ ...item })),
  };
}

export function instanceShape<D>(instance: InstanceRecord, time: TimeFormat<D>, options: ShapeOptions = {}): Wire<ContainerInstance, D> {
  const { registered, used } = instance;
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId,
    capacityProviderName: instance.capacityProviderName,
    version: instance.version,
    versionInfo: { agentVersion: '1.90.0', agentHash: 'emulated', dockerVersion: 'DockerVersion: 25.0.8' },
    registeredResources: [
      integerResource('CPU', registered.cpu),
      integerResource('MEMORY', registered.memory),
      portsResource('PORTS', registered.tcpPorts),
      portsResource('PORTS_UDP', registered.udpPorts),
    ],
    // As in ECS, the remaining PORTS list the ports that are taken: ECS's own plus the tasks'.
    remainingResources: [
      integerResource('CPU', registered.cpu - used.cpu),
      integerResource('MEMORY', registered.memory - used.memory),
      portsResource('PORTS', union(registered.tcpPorts, used.tcpPorts)),
      portsResource('PORTS_UDP', union(registered.udpPorts, used.udpPorts)),
    ],
    status: instance.status,
    agentConnected: instance.agentConnected,
    runningTasksCount: instance.runningTasksCount,
    pendingTasksCount: instance.pendingTasksCount,
    attributes: [...instance.attributes].map(([name, value]) => (value === undefined ? { name } : { name, value })),
    registeredAt: time(instance.registeredAt),
    attachments: [],
    ...(options.tags ? { tags: instance.tags } : {}),
  };
}

export function taskShape<D>(task: TaskRecord, time: TimeFormat<D>, options: ShapeOptions = {}): Wire<Task, D> {
  const { instance, networkInterface } = task;
  return {
    taskArn: task.arn,
    clusterArn: task.cluster.arn,
    taskDefinitionArn: task.definition.arn,
    containerInstanceArn: instance?.arn,
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...task.overrides },
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    cpu: String(task.needs.cpu),
    memory: String(task.needs.memory),
    containers: task.containers.map((container) => containerShape(task, container)),
    startedBy: task.startedBy,
    group: task.group,
    version: task.version,
    launchType: task.launchType,
    capacityProviderName: task.capacityProviderName,
    ...(task.launchType === 'FARGATE' && { platformVersion: '1.4.0', platformFamily: 'Linux' }),
    availabilityZone: instance ? instance.attributes.get('ecs.availability-zone') : `${task.cluster.arn.split(':')[3]}a`,
    attributes: [{ name: 'ecs.cpu-architecture', value: instance?.attributes.get('ecs.cpu-architecture') ?? 'x86_64' }],
    attachments: networkInterface ? [eniAttachment(task)] : [],
    healthStatus: 'UNKNOWN',
    enableExecuteCommand: false,
    connectivity: 'CONNECTED',
    connectivityAt: time(task.createdAt),
    createdAt: time(task.createdAt),
    pullStartedAt: optionalTime(task.startedAt, time),
    pullStoppedAt: optionalTime(task.startedAt, time),
    startedAt: optionalTime(task.startedAt, time),
    stoppingAt: optionalTime(task.stoppingAt, time),
    stoppedAt: optionalTime(task.stoppedAt, time),
    executionStoppedAt: optionalTime(task.stoppedAt, time),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    ...(options.tags ? { tags: task.tags } : {}),
  };
}

export function taskDefinitionShape(definition: TaskDefinitionRecord): Wire<TaskDefinition, number> {
  const { tags: _tags, ...registered } = definition.request;
  return {
    ...registered,
    taskDefinitionArn: definition.arn,
    family: definition.family,
    revision: definition.revision,
    status: definition.status,
    networkMode: definition.networkMode,
    volumes: registered.volumes ?? [],
    placementConstraints: registered.placementConstraints ?? [],
    requiresAttributes: [],
    compatibilities: compatibilities(definition),
    registeredAt: epochSeconds(definition.registeredAt),
    deregisteredAt: optionalTime(definition.deregisteredAt, epochSeconds),
  };
}

/** The ENI a Fargate task gets, as ECS describes it; ATTACHED once the task has left PROVISIONING. */
function eniAttachment(task: TaskRecord): Wire<Attachment, never> {
  const eni = task.networkInterface!;
  const status = task.lastStatus === 'PROVISIONING' ? 'PRECREATED' : task.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED';
  return {
    id: eni.attachmentId,
    type: 'ElasticNetworkInterface',
    status,
    details: [
      { name: 'subnetId', value: eni.subnetId },
      { name: 'networkInterfaceId', value: eni.id },
      { name: 'privateIPv4Address', value: eni.privateIpv4Address },
    ],
  };
}

function containerShape(task: TaskRecord, container: ContainerRecord): Wire<Container, never> {
  // Host bindings exist once the container has been started.
  const started = task.startedAt !== undefined;
  return {
    containerArn: container.arn,
    taskArn: task.arn,
    name: container.name,
    image: container.image,
    lastStatus: container.lastStatus,
    exitCode: container.exitCode,
    networkBindings: started
      ? container.portMappings.flatMap((mapping) =>
          mapping.hostPort === undefined
            ? []
            : [{ bindIP: '0.0.0.0', containerPort: mapping.containerPort, hostPort: mapping.hostPort, protocol: mapping.protocol }],
        )
      : [],
    networkInterfaces: [],
    healthStatus: 'UNKNOWN',
    cpu: String(container.cpu),
    memory: container.memory === undefined ? undefined : String(container.memory),
    memoryReservation: container.memoryReservation === undefined ? undefined : String(container.memoryReservation),
  };
}

function integerResource(name: string, value: number): Resource {
  return { name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value };
}

function portsResource(name: string, ports: Iterable<number>): Resource {
  const sorted = [...ports].sort((a, b) => a - b).map(String);
  return { name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: sorted };
}

function union(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  return new Set([...a, ...b]);
}

function optionalTime<D>(epochMs: number | undefined, time: TimeFormat<D>): D | undefined {
  return epochMs === undefined ? undefined : time(epochMs);
}

/**
 * Where a task definition can run, as ECS works it out at registration: EC2 always (in this
 * emulator), FARGATE when it uses awsvpc and sets task-level cpu and memory, as Fargate requires.
 */
export function compatibilities(definition: TaskDefinitionRecord): Array<'EC2' | 'FARGATE'> {
  const fargate = definition.networkMode === 'awsvpc' && definition.cpu !== undefined && definition.memory !== undefined;
  return fargate ? ['EC2', 'FARGATE'] : ['EC2'];
}
