import { z } from 'zod';

/**
 * The parts of ECS's EventBridge events a scheduler reads. Events are hints, never facts: a
 * reconcile always re-reads the cluster, so only what decides whether to reconcile is parsed,
 * and anything else in the event may vary freely.
 */

const attribute = z.object({ name: z.string(), value: z.string().optional() });

const instanceDetail = z.object({
  clusterArn: z.string(),
  containerInstanceArn: z.string(),
  ec2InstanceId: z.string().optional(),
  status: z.string(),
  agentConnected: z.boolean(),
  attributes: z.array(attribute).default([]),
  version: z.number().int(),
});

const taskDetail = z.object({
  clusterArn: z.string(),
  taskArn: z.string(),
  containerInstanceArn: z.string().optional(),
  startedBy: z.string().optional(),
  lastStatus: z.string(),
  desiredStatus: z.string(),
  version: z.number().int(),
});

const envelope = { id: z.string(), source: z.literal('aws.ecs'), time: z.string() };

export const ecsEventSchema = z.discriminatedUnion('detail-type', [
  z.object({ ...envelope, 'detail-type': z.literal('ECS Container Instance State Change'), detail: instanceDetail }),
  z.object({ ...envelope, 'detail-type': z.literal('ECS Task State Change'), detail: taskDetail }),
]);

export type EcsEvent = z.infer<typeof ecsEventSchema>;
export type InstanceEvent = Extract<EcsEvent, { 'detail-type': 'ECS Container Instance State Change' }>;
export type TaskEvent = Extract<EcsEvent, { 'detail-type': 'ECS Task State Change' }>;
