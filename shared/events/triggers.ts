import * as z from 'zod/mini';
import { ecsEventSchema, type EcsEvent } from './ecs-events.js';
import { describeIssues, preview } from './issues.js';

/** The periodic full sweep, sent by a schedule into the same queue as the ECS events. */
export const sweepSchema = z.strictObject({ kind: z.literal('sweep'), rule: z.string(), at: z.optional(z.string()) });
export type Sweep = z.infer<typeof sweepSchema>;

/** What can wake a daemon rule: an ECS event about its cluster, or its sweep. */
export type DaemonTrigger = { kind: 'ecs'; event: EcsEvent } | Sweep;

export type ParsedTrigger = { ok: true; trigger: DaemonTrigger } | { ok: false; problem: string };

/**
 * Reads one queue message. A message that is not JSON, not an ECS event we know, or not a sweep
 * is a problem to log and drop: retrying it could never succeed, and failing the batch for it
 * would hold up every good message behind it.
 */
export function parseTrigger(body: string): ParsedTrigger {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: `not JSON: ${preview(body)}` };
  }
  const sweep = sweepSchema.safeParse(json);
  if (sweep.success) return { ok: true, trigger: sweep.data };
  const event = ecsEventSchema.safeParse(json);
  if (event.success) return { ok: true, trigger: { kind: 'ecs', event: event.data } };
  const kind = (json as { 'detail-type'?: unknown; source?: unknown } | null) ?? {};
  const known = kind.source === 'aws.ecs' && typeof kind['detail-type'] === 'string';
  return {
    ok: false,
    problem: known
      ? `malformed "${String(kind['detail-type'])}" event: ${describeIssues(event.error.issues, json)}`
      : `neither an ECS task or container instance event nor a sweep: ${preview(body)}`,
  };
}
