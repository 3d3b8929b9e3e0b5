import type { ContainerInstance, Task } from '@aws-sdk/client-ecs';
import type { InstanceRecord, TaskRecord } from './model.js';
import { instanceShape, isoTime, taskShape, type Wire } from './shapes.js';
import type { Store } from './store.js';

/** The `detail` of an "ECS Task State Change" event: the task as DescribeTasks shows it, ISO times. */
export type TaskEventDetail = Wire<Task, string> & { updatedAt: string };

/** The `detail` of an "ECS Container Instance State Change" event. */
export type InstanceEventDetail = Wire<ContainerInstance, string> & { clusterArn: string; updatedAt: string };

interface Envelope<Type extends string, Detail> {
  version: '0';
  id: string;
  'detail-type': Type;
  source: 'aws.ecs';
  account: string;
  /** ISO 8601 to the second, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

export type TaskStateChangeEvent = Envelope<'ECS Task State Change', TaskEventDetail>;
export type InstanceStateChangeEvent = Envelope<'ECS Container Instance State Change', InstanceEventDetail>;
export type EcsEvent = TaskStateChangeEvent | InstanceStateChangeEvent;

export function taskStateChange(store: Store, task: TaskRecord): TaskStateChangeEvent {
  return {
    ...envelope(store, task.arn, task.updatedAt),
    'detail-type': 'ECS Task State Change',
    detail: { ...taskShape(task, isoTime), updatedAt: isoTime(task.updatedAt) },
  };
}

export function instanceStateChange(store: Store, instance: InstanceRecord): InstanceStateChangeEvent {
  return {
    ...envelope(store, instance.arn, instance.updatedAt),
    'detail-type': 'ECS Container Instance State Change',
    detail: { ...instanceShape(instance, isoTime), clusterArn: instance.cluster.arn, updatedAt: isoTime(instance.updatedAt) },
  };
}

function envelope(store: Store, resource: string, at: number) {
  return {
    version: '0' as const,
    id: store.random.events.uuid(),
    source: 'aws.ecs' as const,
    account: store.accountId,
    time: new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: store.region,
    resources: [resource],
  };
}
