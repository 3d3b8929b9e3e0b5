import { z } from 'zod';
import { MAX_STARTING_DEADLINE_SECONDS } from '../rules/cron/deadline.js';
import { MAX_RETRIES, MAX_RETRY_DELAY_SECONDS, MAX_RETRIED_NAME_LENGTH } from '../rules/cron/retry.js';
import { parseSchedule, ScheduleError } from '../schedule/index.js';
import { CLUSTER_REFERENCE } from './clusters.js';
import { matching, text, wholeNumber } from './fields.js';
import { overridesSchema } from './overrides.js';
import { FARGATE_CAPACITY_PROVIDERS } from '../rules/cron/ecs-placed-copies.js';
import { launchSchema } from './launch.js';
import { placementSchema } from './placement.js';
import { passRolesSchema } from './roles.js';
import { isRecord } from './records.js';
import { tagsSchema } from './tags.js';
import { AUTO_SCALING_GROUP_ATTRIBUTE, CAPACITY_PROVIDER_ATTRIBUTE } from '../state/from-ecs.js';
import { taskDefinitionSchema } from './task-definition.js';

/**
 * Copies per slot. A slot's copies all start in one invocation, 10 instances per StartTask, from
 * the account's write burst of 100 calls that every scheduler shares; a fan-out wider than 100
 * belongs in an ECS service or AWS Batch.
 */
const MAX_COUNT = 100;

/** At most 23 characters: the name becomes part of each run's startedBy, which ECS limits to 36. */
const CRON_NAME_PATTERN = /^[A-Za-z0-9_-]{1,23}$/;

/**
 * At most a day: EventBridge Scheduler retries a delivery for at most a day, so a later deadline
 * could never be used. (A slot that already ran is recognized by its record in the run ledger, not
 * by its STOPPED copies, which ECS lists for only an hour: the deadline need not stay under it.)
 * At least 10 s: an invocation begins a little after its slot (delivery, a cold start), and a
 * tighter deadline would skip healthy slots.
 */
const startingDeadlineSchema = wholeNumber(10, MAX_STARTING_DEADLINE_SECONDS, ' (EventBridge Scheduler retries a delivery for at most a day)');

/** What happens when a slot comes while an earlier run of the rule is still going. */
export const overlapPolicySchema = z.enum(['Allow', 'Forbid', 'Replace']);

/**
 * One scheduled task: `count` copies of a task definition per slot of an EventBridge Scheduler
 * expression. Its output is the CronRule type the rules read; defaults are documented here and
 * applied by the code that uses each field.
 */
export const cronRuleSchema = z
  .strictObject({
    /** Letters, digits, `-` and `_`, at most 23 characters: it becomes part of each run's startedBy. */
    name: matching(
      CRON_NAME_PATTERN,
      "1-23 letters, digits, - or _ (it becomes part of each run's startedBy, which ECS limits to 36 characters)",
    ),
    cluster: text(CLUSTER_REFERENCE),
    /** Family (latest ACTIVE revision), family:revision, or a full task definition ARN. */
    taskDefinition: taskDefinitionSchema,
    /** EventBridge Scheduler syntax: cron(...), rate(...) or at(...). */
    schedule: text('a schedule expression: cron(...), rate(...) or at(...)'),
    /** IANA time zone the schedule's times are in. Default UTC. */
    timeZone: text('an IANA time zone name such as America/New_York').optional(),
    /** EventBridge Scheduler's flexible time window, 1-1440 minutes; absent means off. */
    flexibleWindowMinutes: wholeNumber(1, 1440).optional(),
    /** Copies per run. Default 1. */
    count: wholeNumber(1, MAX_COUNT).optional(),
    /** Our placement engine's constraints and strategy: for launch type `ec2` only (ECS places the others). */
    placement: placementSchema.optional(),
    /**
     * How copies start: `{ type: 'ec2' }` (default: our placement engine and StartTask),
     * `{ type: 'fargate', subnets, ... }` or `{ type: 'capacityProvider', strategy, ... }` (RunTask,
     * ECS places them, 10 per call).
     */
    launch: launchSchema.optional(),
    /** Default Forbid: a second concurrent run of a batch job is usually harm done. */
    overlapPolicy: overlapPolicySchema.optional(),
    /**
     * A slot invoked later than this after its scheduled time (and flexible window) is skipped and
     * reported. Default 300. It also bounds capacity retries, within the function's 15 minutes.
     */
    startingDeadlineSeconds: startingDeadlineSchema.optional(),
    /** A run still going after this long is stopped with a reason. Absent: no limit. */
    maxRunSeconds: wholeNumber(1).optional(),
    /** When nothing fits, retry with backoff until the starting deadline. Default true. */
    retryOnCapacity: z.boolean().optional(),
    /**
     * How many times a failed run (an essential container exited non-zero, or the task failed to
     * start) is started again, as the same slot's next attempt. Runs the scheduler stopped itself
     * (maxRunSeconds, Replace) are never retried. 0-10, default 0.
     */
    retries: wholeNumber(0, MAX_RETRIES).optional(),
    /** The wait before the first retry, doubled for each next one, at most 15 minutes. Default 60. */
    retryDelaySeconds: wholeNumber(1, MAX_RETRY_DELAY_SECONDS).optional(),
    /** Whether the stack alarms when a slot ends failed (after its retries). Default true. */
    alarmOnFailure: z.boolean().optional(),
    /**
     * Whether the runs still going when this rule leaves the stack (removed, renamed, or the
     * stack deleted) are stopped. Default false: a run is a job in progress, left to finish.
     */
    stopRunsOnRemoval: z.boolean().optional(),
    /** A suspended rule skips every slot (and reports it). Default false. */
    suspend: z.boolean().optional(),
    /**
     * IAM role ARNs the task definition names (task role, execution role): the function may pass
     * only these to ECS. Default none, for task definitions without roles.
     */
    passRoles: passRolesSchema.optional(),
    overrides: overridesSchema.optional(),
    tags: tagsSchema.optional(),
  })
  // The schedule is read in its time zone, so it is checked on the rule, and even when other
  // fields of the rule are wrong: every error is reported at once.
  .superRefine(scheduleProblem, { when: (payload) => hasSchedule(payload.value) })
  .superRefine(retryKeyProblem)
  .superRefine(launchProblems);

/** What the launch type rules out among the other fields, and what a Fargate strategy needs. */
function launchProblems(rule: { launch?: z.output<typeof launchSchema>; placement?: unknown }, context: z.RefinementCtx): void {
  const { launch } = rule;
  if (!launch || launch.type === 'ec2') return;
  if (rule.placement !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['placement'],
      input: rule.placement,
      message: `applies to launch type "ec2" only: ECS places ${launch.type} runs${launch.type === 'capacityProvider' ? ' (give RunTask\'s constraints and strategy in launch.placement)' : ''}`,
    });
  }
  if (launch.type !== 'capacityProvider') return;
  const onFargate = launch.strategy.some((item) => FARGATE_CAPACITY_PROVIDERS.includes(item.capacityProvider));
  if (onFargate && launch.subnets === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['launch', 'subnets'],
      input: undefined,
      message: 'missing; a strategy of FARGATE or FARGATE_SPOT runs awsvpc tasks, which need subnet ids (and usually security groups)',
    });
  }
  if (onFargate && launch.placement !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['launch', 'placement'],
      input: launch.placement,
      message: 'applies to Auto Scaling group capacity providers only: ECS takes no placement constraints or strategies for Fargate tasks',
    });
  }
  (launch.placement?.constraints ?? []).forEach((constraint, index) => {
    if (constraint.type !== 'memberOf') return;
    const { expression } = constraint;
    const named = OUR_ATTRIBUTES.find((attribute) => expression.includes(attribute));
    if (named === undefined) return;
    context.addIssue({
      code: 'custom',
      path: ['launch', 'placement', 'constraints', index, 'expression'],
      input: expression,
      message: `names ${named}, an attribute only our snapshot has: ECS evaluates these constraints itself and would match no instance (choose the capacity provider in launch.strategy)`,
    });
  });
}

/** Attributes the snapshot adds to an instance (shared/state/from-ecs.ts); ECS's own placement has neither. */
const OUR_ATTRIBUTES = [CAPACITY_PROVIDER_ATTRIBUTE, AUTO_SCALING_GROUP_ATTRIBUTE];

function hasSchedule(rule: unknown): rule is Record<string, unknown> & { schedule: string } {
  return isRecord(rule) && typeof rule.schedule === 'string';
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
