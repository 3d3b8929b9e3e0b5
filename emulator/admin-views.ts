import type { Tag, TaskOverride } from '@aws-sdk/client-ecs';
import type { DesiredStatus, InstanceRecord, InstanceStatus, TaskRecord, TaskStatus } from './state/model.js';

/** A task as a test sees it: plain values, numbers for sizes, Dates for times. */
export interface TaskView {
  arn: string;
  id: string;
  cluster: string;
  /** Absent for a Fargate task. */
  containerInstanceArn?: string;
  launchType: 'EC2' | 'FARGATE';
  capacityProviderName?: string;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  startedBy?: string;
  group: string;
  lastStatus: TaskStatus;
  desiredStatus: DesiredStatus;
  /** What the task holds on its instance while it is not STOPPED. */
  cpu: number;
  memory: number;
  tcpPorts: number[];
  udpPorts: number[];
  version: number;
  stoppedReason?: string;
  stopCode?: string;
  overrides: TaskOverride;
  tags: Tag[];
  createdAt: Date;
  startedAt?: Date;
  stoppedAt?: Date;
}

/** A container instance as a test sees it. */
export interface InstanceView {
  arn: string;
  id: string;
  cluster: string;
  ec2InstanceId: string;
  capacityProviderName?: string;
  status: InstanceStatus;
  agentConnected: boolean;
  /** Attribute name to value; `undefined` for attributes present without a value. */
  attributes: Record<string, string | undefined>;
  registered: { cpu: number; memory: number };
  remaining: { cpu: number; memory: number };
  /** Host ports taken: ECS's reserved ones and those of tasks not yet STOPPED. */
  portsInUse: { tcp: number[]; udp: number[] };
  runningTasksCount: number;
  pendingTasksCount: number;
  version: number;
  registeredAt: Date;
}

export function taskView(task: TaskRecord): TaskView {
  return {
    arn: task.arn,
    id: task.id,
    cluster: task.cluster.name,
    containerInstanceArn: task.instance?.arn,
    launchType: task.launchType,
    capacityProviderName: task.capacityProviderName,
    taskDefinitionArn: task.definition.arn,
    family: task.definition.family,
    revision: task.definition.revision,
    startedBy: task.startedBy,
    group: task.group,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    cpu: task.needs.cpu,
    memory: task.needs.memory,
    tcpPorts: [...task.needs.tcpPorts],
    udpPorts: [...task.needs.udpPorts],
    version: task.version,
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    overrides: task.overrides,
    tags: task.tags,
    createdAt: new Date(task.createdAt),
    startedAt: optionalDate(task.startedAt),
    stoppedAt: optionalDate(task.stoppedAt),
  };
}

export function instanceView(instance: InstanceRecord): InstanceView {
  const { registered, used } = instance;
  return {
    arn: instance.arn,
    id: instance.id,
    cluster: instance.cluster.name,
    ec2InstanceId: instance.ec2InstanceId,
    capacityProviderName: instance.capacityProviderName,
    status: instance.status,
    agentConnected: instance.agentConnected,
    attributes: Object.fromEntries(instance.attributes),
    registered: { cpu: registered.cpu, memory: registered.memory },
    remaining: { cpu: registered.cpu - used.cpu, memory: registered.memory - used.memory },
    portsInUse: { tcp: sortedUnion(registered.tcpPorts, used.tcpPorts), udp: sortedUnion(registered.udpPorts, used.udpPorts) },
    runningTasksCount: instance.runningTasksCount,
    pendingTasksCount: instance.pendingTasksCount,
    version: instance.version,
    registeredAt: new Date(instance.registeredAt),
  };
}

function sortedUnion(a: ReadonlySet<number>, b: ReadonlySet<number>): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function optionalDate(epochMs: number | undefined): Date | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs);
}
