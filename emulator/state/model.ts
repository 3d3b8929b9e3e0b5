import type { Failure, RegisterTaskDefinitionRequest, Tag, TaskOverride, TaskStopCode } from '@aws-sdk/client-ecs';

// The emulator's records. They hold what ECS would hold; the wire shapes are built from them on
// demand (shapes.ts), so a record never carries two copies of one fact.

export type InstanceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';
/** Fargate tasks begin PROVISIONING (ECS is finding capacity and attaching their ENI); EC2 tasks begin PENDING. */
export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPED';
export type LaunchType = 'EC2' | 'FARGATE';
export type DesiredStatus = 'RUNNING' | 'STOPPED';

/** What a task reserves on its instance while it is not STOPPED. */
export interface TaskNeeds {
  cpu: number;
  memory: number;
  tcpPorts: number[];
  udpPorts: number[];
}

export interface ClusterRecord {
  readonly name: string;
  readonly arn: string;
  readonly seq: number;
  readonly createdAt: number;
  /** In registration order, which is the order every list answers in. */
  readonly instances: InstanceRecord[];
  /** In creation order; the indexes below keep the same order. */
  readonly tasks: TaskRecord[];
  readonly tasksByFamily: Map<string, TaskRecord[]>;
  readonly tasksByStartedBy: Map<string, TaskRecord[]>;
  /** Capacity providers associated with the cluster, by name (FARGATE and FARGATE_SPOT included once associated). */
  readonly capacityProviders: Map<string, CapacityProviderRecord>;
  /** What RunTask uses when given neither a launch type nor a strategy; empty means EC2. */
  defaultStrategy: StrategyItem[];
  /** RunTask client tokens of the last 24 hours: what the first call with each token answered. */
  readonly clientTokens: Map<string, ClientTokenRecord>;
}

/** FARGATE and FARGATE_SPOT are ECS's own; any other provider is backed by an Auto Scaling group's instances. */
export interface CapacityProviderRecord {
  readonly name: string;
  readonly arn: string;
  /** Absent for FARGATE and FARGATE_SPOT. */
  readonly autoScalingGroupArn?: string;
}

export interface StrategyItem {
  capacityProvider: string;
  weight: number;
  base: number;
}

export interface ClientTokenRecord {
  /** The request's parameters without its token: the same token with other parameters is a conflict. */
  readonly fingerprint: string;
  readonly taskArns: string[];
  readonly failures: Failure[];
  readonly at: number;
}

/** A Fargate (awsvpc) task's elastic network interface. */
export interface NetworkInterfaceRecord {
  readonly attachmentId: string;
  readonly id: string;
  readonly subnetId: string;
  readonly privateIpv4Address: string;
  readonly securityGroups: string[];
  readonly assignPublicIp: boolean;
}

export interface InstanceRecord {
  readonly id: string;
  readonly arn: string;
  /** Creation sequence number: a stable sort key and the position a page token remembers. */
  readonly seq: number;
  readonly cluster: ClusterRecord;
  readonly ec2InstanceId: string;
  /** The Auto Scaling group capacity provider that launched the instance, if any. */
  readonly capacityProviderName?: string;
  status: InstanceStatus;
  agentConnected: boolean;
  /** Attribute name to value; `undefined` for attributes that are present without a value. */
  readonly attributes: Map<string, string | undefined>;
  /** Capacity at registration. `tcpPorts` holds the ports ECS reserves for itself (22, 2375, ...). */
  readonly registered: { cpu: number; memory: number; tcpPorts: ReadonlySet<number>; udpPorts: ReadonlySet<number> };
  /** What tasks that are not yet STOPPED hold. */
  readonly used: { cpu: number; memory: number; tcpPorts: Set<number>; udpPorts: Set<number> };
  readonly tasks: TaskRecord[];
  runningTasksCount: number;
  pendingTasksCount: number;
  version: number;
  readonly registeredAt: number;
  updatedAt: number;
  readonly tags: Tag[];
}

/** A task's container: its definition, plus what running it added. */
export interface ContainerRecord extends ContainerDefinitionRecord {
  readonly arn: string;
  lastStatus: TaskStatus;
  exitCode?: number;
}

export interface PortMapping {
  containerPort: number;
  /** The static host port, when the network mode gives the container one. */
  hostPort?: number;
  protocol: 'tcp' | 'udp';
}

export interface TaskRecord {
  readonly id: string;
  readonly arn: string;
  readonly seq: number;
  readonly cluster: ClusterRecord;
  /** Absent for a Fargate task: ECS runs it on capacity of its own, not on a container instance. */
  readonly instance: InstanceRecord | undefined;
  readonly launchType: LaunchType;
  /** Set when a capacity provider strategy placed the task. */
  readonly capacityProviderName?: string;
  /** Fargate tasks only (awsvpc). */
  readonly networkInterface?: NetworkInterfaceRecord;
  readonly definition: TaskDefinitionRecord;
  readonly needs: TaskNeeds;
  readonly containers: ContainerRecord[];
  readonly startedBy?: string;
  readonly group: string;
  readonly overrides: TaskOverride;
  readonly tags: Tag[];
  lastStatus: TaskStatus;
  desiredStatus: DesiredStatus;
  version: number;
  readonly createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: TaskStopCode;
  updatedAt: number;
}

export interface ContainerDefinitionRecord {
  readonly name: string;
  readonly image: string;
  readonly cpu: number;
  readonly memory?: number;
  readonly memoryReservation?: number;
  readonly portMappings: PortMapping[];
}

export interface TaskDefinitionRecord {
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  readonly networkMode: 'bridge' | 'host' | 'awsvpc' | 'none';
  /** Task-level sizes as registered (strings such as "1024" or "1 vCPU"), parsed to units/MiB. */
  readonly cpu?: number;
  readonly memory?: number;
  readonly containers: ContainerDefinitionRecord[];
  /** The request as registered, echoed back by DescribeTaskDefinition. */
  readonly request: RegisterTaskDefinitionRequest;
  readonly registeredAt: number;
  deregisteredAt?: number;
}
