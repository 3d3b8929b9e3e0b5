import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { instanceView, taskView, type InstanceView, type TaskView } from './admin-views.js';
import { putClusterCapacityProviders } from './state/capacity-providers.js';
import { createCluster } from './state/clusters.js';
import { resourceShortfall } from './state/fit.js';
import { deregisterInstance, putAttributes, registerInstance, setAgentConnected, setInstanceStatus } from './state/instances.js';
import type { DesiredStatus, InstanceRecord, TaskDefinitionRecord, TaskRecord, TaskStatus } from './state/model.js';
import type { Store } from './state/store.js';
import { findTaskDefinition, registerTaskDefinition } from './state/task-definitions.js';
import { launchTask, requestStop } from './state/tasks.js';

export interface InstanceSpec {
  cluster: string;
  /** CPU units (1024 per vCPU) and MiB the instance registers. */
  cpu: number;
  memory: number;
  /** Custom attributes, on top of the ecs.* ones ECS sets. */
  attributes?: Record<string, string>;
  /** Default: the Region's "a" zone. */
  availabilityZone?: string;
  /** Default: m5.large. */
  instanceType?: string;
  ec2InstanceId?: string;
  /** Default: true. */
  agentConnected?: boolean;
  registeredAt?: Date;
  /** The cluster's Auto Scaling group capacity provider that launched it (see setCapacityProviders). */
  capacityProvider?: string;
}

/** A capacity provider to associate with a cluster. */
export interface CapacityProviderSpec {
  /** FARGATE and FARGATE_SPOT are ECS's own; any other name needs `autoScalingGroupArn`. */
  name: string;
  autoScalingGroupArn?: string;
}

/** Resources an outside task takes, as if someone else's scheduler had started it. */
export interface Occupation {
  cpu: number;
  memory: number;
  tcpPorts?: number[];
  udpPorts?: number[];
  /** Default: "outside-task", registered on first use. */
  family?: string;
  startedBy?: string;
}

export interface TaskFilter {
  family?: string;
  startedBy?: string;
  containerInstance?: string;
  desiredStatus?: DesiredStatus;
  lastStatus?: TaskStatus;
}

/**
 * Direct, synchronous control of the emulated account for tests and local mode: no HTTP, not
 * counted, never throttled. Every change still bumps versions and emits the events ECS would.
 * Instances and tasks are named by ARN or id.
 */
export interface EmulatorAdmin {
  /** Returns the cluster ARN; creating an existing cluster returns it unchanged. */
  createCluster(name: string): string;
  /**
   * PutClusterCapacityProviders: the cluster's capacity providers, and the strategy RunTask uses
   * when given neither a launch type nor a strategy (default none: EC2).
   */
  setCapacityProviders(cluster: string, providers: CapacityProviderSpec[], defaultStrategy?: Array<{ capacityProvider: string; weight?: number; base?: number }>): void;
  /** Returns the container instance ARN. */
  registerInstance(spec: InstanceSpec): string;
  drainInstance(instance: string): void;
  /** Back from DRAINING to ACTIVE. */
  activateInstance(instance: string): void;
  /** Forced deregistration: the instance goes INACTIVE and its tasks are marked STOPPED. */
  deregisterInstance(instance: string): void;
  setAgentConnected(instance: string, connected: boolean): void;
  putAttributes(instance: string, attributes: Record<string, string>): void;
  /** Starts an outside task holding these resources; throws if they are not free. Returns its ARN. */
  occupy(instance: string, resources: Occupation): string;
  /** The task ends on its own: its containers exit with `exitCode` (default 1, a crash; 0 is a job that finished). */
  stopTask(task: string, reason?: string, exitCode?: number): void;
  /** Same input as the API; returns the new revision's ARN. */
  registerTaskDefinition(input: RegisterTaskDefinitionRequest): string;
  /**
   * Resolves once every pending task transition (PENDING -> RUNNING, -> STOPPED) and event
   * delivery is done. Held transitions do not count: settle() does not wait for them.
   */
  settle(): Promise<void>;
  /**
   * Holds task transitions, so PENDING tasks stay PENDING and stopping tasks keep their
   * resources, until the returned release is called. Events of other changes still flow.
   */
  holdTransitions(): () => void;
  listTasks(cluster: string, filter?: TaskFilter): TaskView[];
  describeTask(task: string): TaskView;
  listInstances(cluster: string): InstanceView[];
  describeInstance(instance: string): InstanceView;
}

const OUTSIDE_FAMILY = 'outside-task';

export function createAdmin(store: Store): EmulatorAdmin {
  const instance = (ref: string): InstanceRecord => {
    const found = store.findInstanceAnywhere(ref);
    if (!found) throw new Error(`No container instance ${ref}`);
    return found;
  };
  const task = (ref: string): TaskRecord => {
    const found = store.findTaskAnywhere(ref);
    if (!found) throw new Error(`No task ${ref}`);
    return found;
  };
  const definitionFor = (family: string): TaskDefinitionRecord =>
    findTaskDefinition(store, family) ??
    registerTaskDefinition(store, { family, containerDefinitions: [{ name: family, image: family, memoryReservation: 128 }] });

  return {
    createCluster: (name) => createCluster(store, name).arn,
    setCapacityProviders: (cluster, providers, strategy = []) =>
      putClusterCapacityProviders(
        store,
        store.requireCluster(cluster),
        providers,
        strategy.map((item) => ({ capacityProvider: item.capacityProvider, weight: item.weight ?? 0, base: item.base ?? 0 })),
      ),
    registerInstance: (spec) =>
      registerInstance(store, {
        cluster: store.requireCluster(spec.cluster),
        cpu: spec.cpu,
        memory: spec.memory,
        attributes: Object.entries(spec.attributes ?? {}).map(([name, value]) => ({ name, value })),
        availabilityZone: spec.availabilityZone,
        instanceType: spec.instanceType,
        ec2InstanceId: spec.ec2InstanceId,
        agentConnected: spec.agentConnected,
        registeredAt: spec.registeredAt?.getTime(),
        capacityProviderName: spec.capacityProvider,
      }).arn,
    drainInstance: (ref) => setInstanceStatus(store, instance(ref), 'DRAINING'),
    activateInstance: (ref) => setInstanceStatus(store, instance(ref), 'ACTIVE'),
    deregisterInstance: (ref) => deregisterInstance(store, instance(ref), true),
    setAgentConnected: (ref, connected) => setAgentConnected(store, instance(ref), connected),
    putAttributes: (ref, attributes) =>
      putAttributes(store, instance(ref), Object.entries(attributes).map(([name, value]) => ({ name, value }))),
    occupy: (ref, resources) => {
      const target = instance(ref);
      const needs = { cpu: resources.cpu, memory: resources.memory, tcpPorts: resources.tcpPorts ?? [], udpPorts: resources.udpPorts ?? [] };
      const shortfall = target.status === 'INACTIVE' ? 'INACTIVE' : resourceShortfall(target, needs);
      if (shortfall) throw new Error(`Cannot occupy ${target.arn}: ${shortfall}`);
      const definition = definitionFor(resources.family ?? OUTSIDE_FAMILY);
      return launchTask(store, { instance: target, definition, needs, startedBy: resources.startedBy }).arn;
    },
    stopTask: (ref, reason = 'Essential container in task exited', exitCode = 1) =>
      requestStop(store, task(ref), { reason, stopCode: 'EssentialContainerExited', exitCode }),
    registerTaskDefinition: (input) => registerTaskDefinition(store, input).arn,
    settle: () => store.settle(),
    holdTransitions: () => store.transitions.hold(),
    listTasks: (cluster, filter = {}) => {
      const owner = store.requireCluster(cluster);
      const tasks = filter.containerInstance === undefined ? owner.tasks : instance(filter.containerInstance).tasks;
      return tasks
        .filter(
          (t) =>
            t.cluster === owner &&
            (filter.family === undefined || t.definition.family === filter.family) &&
            (filter.startedBy === undefined || t.startedBy === filter.startedBy) &&
            (filter.desiredStatus === undefined || t.desiredStatus === filter.desiredStatus) &&
            (filter.lastStatus === undefined || t.lastStatus === filter.lastStatus),
        )
        .map(taskView);
    },
    describeTask: (ref) => taskView(task(ref)),
    listInstances: (cluster) => store.requireCluster(cluster).instances.map(instanceView),
    describeInstance: (ref) => instanceView(instance(ref)),
  };
}
