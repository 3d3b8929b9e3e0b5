import type { Tag, TaskOverride, TaskStopCode } from '@aws-sdk/client-ecs';
import { instanceChanged, taskChanged } from './changes.js';
import { release, reserve } from './fit.js';
import type { ClusterRecord, InstanceRecord, NetworkInterfaceRecord, TaskDefinitionRecord, TaskNeeds, TaskRecord } from './model.js';
import type { Store } from './store.js';

/** What a task is started from, wherever it is placed (StartTask and RunTask checked the request). */
export interface Launch {
  definition: TaskDefinitionRecord;
  /** Checked to fit by the caller; reserved at launch. */
  needs: TaskNeeds;
  startedBy?: string;
  group?: string;
  overrides?: TaskOverride;
  tags?: Tag[];
}

export interface TaskLaunch extends Launch {
  instance: InstanceRecord;
  /** Seeded tasks begin RUNNING; tasks started through the API begin PENDING, as in ECS. */
  running?: boolean;
  /** The seeder passes its own ids so a seed always yields the same ARNs. */
  id?: string;
}

export interface StopRequest {
  reason: string;
  stopCode: TaskStopCode;
  /** The exit code the containers report once stopped (none for a task that never started). */
  exitCode?: number;
}

/** A task ECS runs on capacity of its own (Fargate): no container instance, an ENI of its own. */
export interface FargateLaunch extends Launch {
  cluster: ClusterRecord;
  /** FARGATE or FARGATE_SPOT when a strategy chose it. */
  capacityProviderName?: string;
  network: Omit<NetworkInterfaceRecord, 'attachmentId' | 'id' | 'privateIpv4Address'>;
}

/** Creates a task on an instance and reserves its resources there; a PENDING task runs a moment later. */
export function launchTask(store: Store, launch: TaskLaunch & { capacityProviderName?: string }): TaskRecord {
  const task = newTask(store, launch, launch.instance.cluster, { instance: launch.instance, launchType: 'EC2', capacityProviderName: launch.capacityProviderName });
  const { instance } = launch;
  reserve(instance, task.needs);
  if (task.lastStatus === 'RUNNING') instance.runningTasksCount++;
  else instance.pendingTasksCount++;
  taskChanged(store, task);
  instanceChanged(store, instance);
  if (task.lastStatus !== 'RUNNING') store.transitions.later(() => markRunning(store, task));
  return task;
}

/**
 * Creates a Fargate task: it begins PROVISIONING (ECS finds capacity and attaches its ENI), goes
 * PENDING, then RUNNING, each a moment later. Nothing is reserved: Fargate's capacity is not the
 * cluster's.
 */
export function launchFargateTask(store: Store, launch: FargateLaunch): TaskRecord {
  const eni = store.random.ids.hex(17);
  const networkInterface: NetworkInterfaceRecord = {
    ...launch.network,
    attachmentId: store.random.ids.uuid(),
    id: `eni-${eni}`,
    privateIpv4Address: privateAddress(store),
  };
  const task = newTask(store, { ...launch, running: false }, launch.cluster, {
    instance: undefined,
    launchType: 'FARGATE',
    capacityProviderName: launch.capacityProviderName,
    networkInterface,
    lastStatus: 'PROVISIONING',
  });
  taskChanged(store, task);
  store.transitions.later(() => markRunning(store, task));
  return task;
}

type Placing = Pick<TaskRecord, 'instance' | 'launchType' | 'capacityProviderName' | 'networkInterface'> & { lastStatus?: TaskRecord['lastStatus'] };

function newTask(store: Store, launch: Launch & { running?: boolean; id?: string }, cluster: ClusterRecord, placing: Placing): TaskRecord {
  const { definition } = launch;
  const id = launch.id ?? store.newId();
  const now = store.now();
  const running = launch.running ?? false;
  const lastStatus = placing.lastStatus ?? (running ? 'RUNNING' : 'PENDING');
  const task: TaskRecord = {
    id,
    arn: store.arns.task(cluster.name, id),
    seq: store.nextSeq(),
    cluster,
    instance: placing.instance,
    launchType: placing.launchType,
    capacityProviderName: placing.capacityProviderName,
    networkInterface: placing.networkInterface,
    definition,
    needs: launch.needs,
    containers: definition.containers.map((container) => ({
      arn: store.arns.container(cluster.name, id, store.random.ids.uuid()),
      name: container.name,
      image: container.image,
      cpu: container.cpu,
      memory: container.memory,
      memoryReservation: container.memoryReservation,
      portMappings: container.portMappings,
      lastStatus: running ? 'RUNNING' : 'PENDING',
    })),
    startedBy: launch.startedBy,
    group: launch.group ?? `family:${definition.family}`,
    overrides: launch.overrides ?? {},
    tags: launch.tags ?? [],
    lastStatus,
    desiredStatus: 'RUNNING',
    version: 0,
    createdAt: now,
    startedAt: running ? now : undefined,
    updatedAt: now,
  };
  store.addTask(task);
  return task;
}

/**
 * Sets the desired status to STOPPED (what StopTask does); the task reaches STOPPED, and frees
 * its resources, a moment later. Asking again while it stops changes nothing.
 */
export function requestStop(store: Store, task: TaskRecord, request: StopRequest): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stoppingAt = store.now();
  task.stoppedReason = request.reason;
  task.stopCode = request.stopCode;
  taskChanged(store, task);
  store.transitions.later(() => markStopped(store, task, request.exitCode));
}

function markRunning(store: Store, task: TaskRecord): void {
  // A task stopped while still PROVISIONING or PENDING goes straight to STOPPED.
  if (task.desiredStatus !== 'RUNNING') return;
  if (task.lastStatus === 'PROVISIONING') {
    task.lastStatus = 'PENDING';
    taskChanged(store, task);
    store.transitions.later(() => markRunning(store, task));
    return;
  }
  if (task.lastStatus !== 'PENDING') return;
  task.lastStatus = 'RUNNING';
  task.startedAt = store.now();
  for (const container of task.containers) container.lastStatus = 'RUNNING';
  taskChanged(store, task);
  const { instance } = task;
  if (!instance) return;
  instance.pendingTasksCount--;
  instance.runningTasksCount++;
  instanceChanged(store, instance);
}

function markStopped(store: Store, task: TaskRecord, exitCode: number | undefined): void {
  if (task.lastStatus === 'STOPPED') return;
  const { instance } = task;
  if (instance && task.lastStatus === 'PENDING') instance.pendingTasksCount--;
  else if (instance) instance.runningTasksCount--;
  const started = task.startedAt !== undefined;
  task.lastStatus = 'STOPPED';
  task.stoppedAt = store.now();
  for (const container of task.containers) {
    container.lastStatus = 'STOPPED';
    if (started) container.exitCode = exitCode;
  }
  if (instance) release(instance, task.needs);
  taskChanged(store, task);
  if (instance) instanceChanged(store, instance);
}

/** An address in 10.0.0.0/16, as a subnet of the task's VPC would hand out. */
function privateAddress(store: Store): string {
  const ids = store.random.ids;
  return `10.0.${ids.below(256)}.${ids.below(254) + 1}`;
}
