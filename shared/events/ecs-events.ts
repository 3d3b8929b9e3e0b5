// zod/mini: the classic API would add about 450 KB to every Lambda bundle.
import * as z from 'zod/mini';

/**
 * The parts of ECS's EventBridge events a scheduler reads. Events are hints, never facts: a
 * reconcile always re-reads the cluster, so only what decides whether to reconcile is parsed,
 * and anything else in the event may vary freely.
 */

const attribute = z.object({ name: z.string(), value: z.optional(z.string()) });

const instanceDetail = z.object({
  clusterArn: z.string(),
  containerInstanceArn: z.string(),
  ec2InstanceId: z.optional(z.string()),
  status: z.string(),
  agentConnected: z.boolean(),
  attributes: z._default(z.array(attribute), []),
  version: z.int(),
});

const taskDetail = z.object({
  clusterArn: z.string(),
  taskArn: z.string(),
  containerInstanceArn: z.optional(z.string()),
  startedBy: z.optional(z.string()),
  lastStatus: z.string(),
  desiredStatus: z.string(),
  version: z.int(),
});

const envelope = { id: z.string(), source: z.literal('aws.ecs'), time: z.string() };

export const ecsEventSchema = z.discriminatedUnion('detail-type', [
  z.object({ ...envelope, 'detail-type': z.literal('ECS Container Instance State Change'), detail: instanceDetail }),
  z.object({ ...envelope, 'detail-type': z.literal('ECS Task State Change'), detail: taskDetail }),
]);

export type EcsEvent = z.infer<typeof ecsEventSchema>;
export type InstanceEvent = Extract<EcsEvent, { 'detail-type': 'ECS Container Instance State Change' }>;
export type TaskEvent = Extract<EcsEvent, { 'detail-type': 'ECS Task State Change' }>;
