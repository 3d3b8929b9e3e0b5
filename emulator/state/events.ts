import type { InstanceStateChangeEvent, TaskStateChangeEvent } from './event-types.js';
import type { InstanceRecord, TaskRecord } from './model.js';
import { instanceShape, isoTime, taskShape } from './shapes.js';
import type { Store } from './store.js';

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
