/**
 * The cluster as a scheduler sees it: plain values copied out of the ECS Describe answers,
 * so rules and placement can be read without knowing the AWS SDK.
 */

/** What one task needs from the instance it runs on. */
export interface Requirements {
  /** CPU units (1 vCPU = 1024). */
  cpu: number;
  /** Memory in MiB. */
  memory: number;
  /** Static TCP host ports the task binds. */
  tcpPorts: readonly number[];
  /** Static UDP host ports the task binds. */
  udpPorts: readonly number[];
}

export type InstanceStatus =
  | 'ACTIVE'
  | 'DRAINING'
  | 'INACTIVE'
  | 'REGISTERING'
  | 'DEREGISTERING'
  | 'REGISTRATION_FAILED';

export interface ContainerInstance {
  arn: string;
  ec2InstanceId: string;
  /**
   * The capacity provider (of an Auto Scaling group) that launched the instance, from ECS's
   * capacityProviderName. Constraints read it as the attribute `ecs.capacity-provider`.
   */
  capacityProviderName?: string;
  status: InstanceStatus;
  agentConnected: boolean;
  agentVersion: string;
  registeredCpu: number;
  registeredMemory: number;
  remainingCpu: number;
  remainingMemory: number;
  /** Host ports in use or reserved (ECS reports these under remainingResources PORTS). */
  tcpPortsInUse: readonly number[];
  udpPortsInUse: readonly number[];
  /** Attribute name -> value; a value-less attribute maps to undefined. */
  attributes: ReadonlyMap<string, string | undefined>;
  registeredAt: Date;
  runningTasksCount: number;
  pendingTasksCount: number;
  /** ECS's change counter for this instance; events carry the same number in detail.version. */
  version: number;
}

/**
 * An ECS task's status: lastStatus moves through these in order (a task may skip some);
 * desiredStatus is RUNNING, or STOPPED once the task is asked to stop.
 */
export const TaskStatus = {
  Provisioning: 'PROVISIONING',
  Pending: 'PENDING',
  Activating: 'ACTIVATING',
  Running: 'RUNNING',
  Deactivating: 'DEACTIVATING',
  Stopping: 'STOPPING',
  Deprovisioning: 'DEPROVISIONING',
  Stopped: 'STOPPED',
  Deleted: 'DELETED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export interface Task {
  arn: string;
  containerInstanceArn: string | undefined;
  taskDefinitionArn: string;
  family: string;
  revision: number;
  startedBy: string | undefined;
  group: string | undefined;
  lastStatus: TaskStatus;
  desiredStatus: TaskStatus;
  createdAt: Date | undefined;
  startedAt: Date | undefined;
  cpu: number;
  memory: number;
  version: number;
}

export type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';

export interface TaskDefinitionInfo {
  arn: string;
  family: string;
  revision: number;
  networkMode: NetworkMode;
  requirements: Requirements;
  /** Container names, in definition order (overrides name their container). */
  containerNames: string[];
  /** The containers whose exit ends the task (ECS's default for a container is essential). */
  essentialContainers: string[];
  /** Where ECS says it can run (EC2, FARGATE, EXTERNAL); absent when the answer did not say. */
  compatibilities?: string[];
  /** Roles StartTask passes to ECS (iam:PassRole targets). */
  taskRoleArn: string | undefined;
  executionRoleArn: string | undefined;
}

export interface ClusterInfo {
  arn: string;
  name: string;
  status: string;
}

/**
 * Which tasks a snapshot loads. Container instances are always loaded; tasks only as far as the
 * rule needs them, because ListTasks/DescribeTasks draw from the account's shared read bucket.
 */
export type TaskScope =
  | { kind: 'none' }
  /** Every RUNNING-desired task; with `stoppedFamily`, also that family's STOPPED ones. */
  | { kind: 'all'; stoppedFamily?: string }
  | { kind: 'startedBy'; startedBy: string }
  /**
   * Tasks of a family. With `includeStopped`, also the ones ECS still lists as STOPPED (for about
   * an hour): a cron slot that already ran and ended must not run again.
   */
  | { kind: 'family'; family: string; includeStopped?: boolean };

/** A cluster's container instances as one scan read them: what every rule of the cluster shares. */
export interface InstanceScan {
  cluster: ClusterInfo;
  instances: readonly ContainerInstance[];
  /** When the scan began (the clock of whoever asked for it): its age is counted from here. */
  scannedAt: Date;
}

/** One rule's tasks and task definitions, as a load read them: never shared, always fresh. */
export interface TaskRead {
  scope: TaskScope;
  tasks: readonly Task[];
  taskDefinitions: readonly TaskDefinitionInfo[];
  /** Each reference the rule named (a family, say) and the ARN it resolved to. */
  aliases: ReadonlyArray<readonly [string, string]>;
}
