import { z } from 'zod';
import { text } from './fields.js';

/**
 * ECS's TaskOverride, shaped only as far as catching typos needs: every key is checked against the
 * ones ECS knows, each container override must name its container, and values get type checks.
 * ECS itself judges the values (a cpu it cannot give, a role it cannot pass) at StartTask.
 */
const containerOverrideSchema = z.strictObject({
  name: text('the name of a container in the task definition'),
  command: z.array(z.string()).optional(),
  environment: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
  environmentFiles: z.array(z.strictObject({ type: z.enum(['s3']), value: z.string() })).optional(),
  cpu: z.number().optional(),
  memory: z.number().optional(),
  memoryReservation: z.number().optional(),
  resourceRequirements: z
    .array(z.strictObject({ type: z.enum(['GPU', 'InferenceAccelerator']), value: z.string() }))
    .optional(),
});

export const overridesSchema = z.strictObject({
  containerOverrides: z.array(containerOverrideSchema).optional(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  taskRoleArn: z.string().optional(),
  executionRoleArn: z.string().optional(),
  ephemeralStorage: z.strictObject({ sizeInGiB: z.number() }).optional(),
});
