import { z } from 'zod';
import { DEFAULT_STARTING_DEADLINE_SECONDS, secondsToDeadline } from '../rules/cron/deadline.js';
import { MAX_RETRIES, MAX_RETRY_DELAY_SECONDS, MAX_RETRIED_NAME_LENGTH } from '../rules/cron/retry.js';
import { CRON_NAME_PATTERN, type CronRule } from '../rules/cron/rule.js';
import { parseSchedule, ScheduleError } from '../schedule/index.js';
import { CLUSTER_REFERENCE } from './clusters.js';
import { matching, text, wholeNumber } from './fields.js';
import { overridesSchema } from './overrides.js';
import { placementSchema } from './placement.js';
import { passRolesSchema } from './roles.js';
import { isRecord } from './records.js';
import type { Assert, SameKeys } from './same-keys.js';
import { tagsSchema } from './tags.js';
import { taskDefinitionSchema } from './task-definition.js';

/**
 * Copies per slot. A slot's copies all start in one invocation, 10 instances per StartTask, from
 * the account's write burst of 100 calls that every scheduler shares; a fan-out wider than 100
 * belongs in an ECS service or AWS Batch.
 */
const MAX_COUNT = 100;

/**
 * Under an hour: a slot that already ran is recognized by its STOPPED task, which ECS lists for
 * only about an hour. At least 10 s: an invocation begins a little after its slot (delivery, a cold
 * start), and a tighter deadline would skip healthy slots.
 */
const startingDeadlineSchema = wholeNumber(
  10,
  3540,
  ' (under an hour: ECS lists a STOPPED task for only about an hour, and that is how a slot that already ran is recognized)',
);

export const cronRuleSchema = z
  .strictObject({
    name: matching(
      CRON_NAME_PATTERN,
      "1-23 letters, digits, - or _ (it becomes part of each run's startedBy, which ECS limits to 36 characters)",
    ),
    cluster: text(CLUSTER_REFERENCE),
    taskDefinition: taskDefinitionSchema,
    schedule: text('a schedule expression: cron(...), rate(...) or at(...)'),
    timeZone: text('an IANA time zone name such as America/New_York').optional(),
    flexibleWindowMinutes: wholeNumber(1, 1440).optional(),
    count: wholeNumber(1, MAX_COUNT).optional(),
    placement: placementSchema.optional(),
    overlapPolicy: z.enum(['Allow', 'Forbid', 'Replace']).optional(),
    startingDeadlineSeconds: startingDeadlineSchema.optional(),
    maxRunSeconds: wholeNumber(1).optional(),
    retryOnCapacity: z.boolean().optional(),
    retries: wholeNumber(0, MAX_RETRIES).optional(),
    retryDelaySeconds: wholeNumber(1, MAX_RETRY_DELAY_SECONDS).optional(),
    alarmOnFailure: z.boolean().optional(),
    suspend: z.boolean().optional(),
    passRoles: passRolesSchema.optional(),
    overrides: overridesSchema.optional(),
    tags: tagsSchema.optional(),
  })
  // The schedule is read in its time zone, so it is checked on the rule, and even when other
  // fields of the rule are wrong: every error is reported at once.
  .superRefine(scheduleProblem, { when: (payload) => hasSchedule(payload.value) })
  .superRefine(deadlineProblem)
  .superRefine(retryKeyProblem);

type _CronFields = Assert<SameKeys<z.output<typeof cronRuleSchema>, CronRule>>;

function hasSchedule(rule: unknown): rule is Record<string, unknown> & { schedule: string } {
  return isRecord(rule) && typeof rule.schedule === 'string';
}

/**
 * The flexible window delays an invocation past its slot, and the starting deadline counts from
 * the end of that window: together they must stay under the hour in which ECS still lists a
 * slot's STOPPED copies, or a late re-delivery could run a slot again.
 */
function deadlineProblem(rule: { flexibleWindowMinutes?: number; startingDeadlineSeconds?: number }, context: z.RefinementCtx): void {
  // Each field's own range is checked (and reported) on its own; add them up only when both are sound.
  if (!wholeIn(rule.flexibleWindowMinutes, 1, 1440) || !wholeIn(rule.startingDeadlineSeconds, 10, 3540)) return;
  if (secondsToDeadline(rule) <= 3540) return;
  const window = (rule.flexibleWindowMinutes ?? 0) * 60;
  const deadline = rule.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS;
  context.addIssue({
    code: 'custom',
    path: ['startingDeadlineSeconds'],
    input: rule.startingDeadlineSeconds,
    message: `flexibleWindowMinutes (${window / 60} min) plus startingDeadlineSeconds (${deadline} s) must stay under an hour (3540 s in all): ECS lists a STOPPED task for only about an hour, and that is how a slot that already ran is recognized`,
  });
}

/** A retry's startedBy adds `/<attempt>` to the slot's key, and the whole must fit ECS's 36 characters. */
function retryKeyProblem(rule: { name?: unknown; retries?: number }, context: z.RefinementCtx): void {
  if (typeof rule.name !== 'string' || !rule.retries || rule.name.length <= MAX_RETRIED_NAME_LENGTH) return;
  context.addIssue({
    code: 'custom',
    path: ['retries'],
    input: rule.retries,
    message: `a rule with retries needs a name of at most ${MAX_RETRIED_NAME_LENGTH} characters ("${rule.name}" has ${rule.name.length}): each retry's startedBy adds "/<attempt>" to the slot's, and ECS allows 36 characters`,
  });
}

function wholeIn(value: number | undefined, min: number, max: number): boolean {
  return value === undefined || (Number.isSafeInteger(value) && value >= min && value <= max);
}

/** A timeZone of the wrong type has its own error; the schedule is then read in UTC. */
function scheduleProblem(rule: unknown, context: z.RefinementCtx): void {
  if (!hasSchedule(rule)) return;
  const timeZone = typeof rule.timeZone === 'string' ? rule.timeZone : undefined;
  try {
    parseSchedule(rule.schedule, timeZone);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const field = error.field === 'timeZone' ? 'timeZone' : 'schedule';
    context.addIssue({ code: 'custom', message: error.message, path: [field], input: rule[field] });
  }
}
