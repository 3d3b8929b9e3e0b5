import type { ContainerInstance, Task } from '@aws-sdk/client-ecs';
import type { Wire } from './shapes.js';

/**
 * The ECS events the emulator sends, as types only: the event bus and its subscribers need the
 * shapes, not the store that builds them (events.ts).
 */

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
