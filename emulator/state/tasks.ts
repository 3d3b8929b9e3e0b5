import type { Tag, TaskOverride, TaskStopCode } from '@aws-sdk/client-ecs';
import { instanceChanged, taskChanged } from './changes.js';
import { release, reserve } from './fit.js';
import type { InstanceRecord, TaskDefinitionRecord, TaskNeeds, TaskRecord } from './model.js';
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

/** Creates a task on an instance and reserves its resources there; a PENDING task runs a moment later. */
export function launchTask(store: Store, launch: TaskLaunch): TaskRecord {
  const { instance, definition } = launch;
  const { cluster } = instance;
  const id = launch.id ?? store.newId();
  const now = store.now();
  const running = launch.running ?? false;
  const task: TaskRecord = {
    id,
    arn: store.arns.task(cluster.name, id),
    seq: store.nextSeq(),
    cluster,
    instance,
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
    lastStatus: running ? 'RUNNING' : 'PENDING',
    desiredStatus: 'RUNNING',
    version: 0,
    createdAt: now,
    startedAt: running ? now : undefined,
    updatedAt: now,
  };
  store.addTask(task);
  reserve(instance, task.needs);
  if (running) instance.runningTasksCount++;
  else instance.pendingTasksCount++;
  taskChanged(store, task);
  instanceChanged(store, instance);
  if (!running) store.transitions.later(() => markRunning(store, task));
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
  // A task stopped while still PENDING goes straight to STOPPED.
  if (task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return;
  task.lastStatus = 'RUNNING';
  task.startedAt = store.now();
  for (const container of task.containers) container.lastStatus = 'RUNNING';
  task.instance.pendingTasksCount--;
  task.instance.runningTasksCount++;
  taskChanged(store, task);
  instanceChanged(store, task.instance);
}

function markStopped(store: Store, task: TaskRecord, exitCode: number | undefined): void {
  if (task.lastStatus === 'STOPPED') return;
  const { instance } = task;
  if (task.lastStatus === 'PENDING') instance.pendingTasksCount--;
  else instance.runningTasksCount--;
  const started = task.startedAt !== undefined;
  task.lastStatus = 'STOPPED';
  task.stoppedAt = store.now();
  for (const container of task.containers) {
    container.lastStatus = 'STOPPED';
    if (started) container.exitCode = exitCode;
  }
  release(instance, task.needs);
  taskChanged(store, task);
  instanceChanged(store, instance);
}
