import type { TaskOverride } from '@aws-sdk/client-ecs';
import type { PlacementConstraint, PlacementStrategy } from '../../placement/types.js';

/** What happens when a slot comes while an earlier run of the rule is still going. */
export type OverlapPolicy = 'Allow' | 'Forbid' | 'Replace';

/** One scheduled task: `count` copies of a task definition per slot of an EventBridge Scheduler expression. */
export interface CronRule {
  /** Letters, digits, `-` and `_`, at most 23 characters: it becomes part of each run's startedBy. */
  name: string;
  cluster: string;
  /** Family (latest ACTIVE revision), family:revision, or a full task definition ARN. */
  taskDefinition: string;
  /** EventBridge Scheduler syntax: cron(...), rate(...) or at(...). */
  schedule: string;
  /** IANA time zone the schedule's times are in. Default UTC. */
  timeZone?: string;
  /** EventBridge Scheduler's flexible time window, 1-1440 minutes; absent means off. */
  flexibleWindowMinutes?: number;
  /** Copies per run. Default 1. */
  count?: number;
  placement?: { constraints?: PlacementConstraint[]; strategy?: PlacementStrategy[] };
  /** Default Forbid: a second concurrent run of a batch job is usually harm done. */
  overlapPolicy?: OverlapPolicy;
  /**
   * A slot invoked later than this after its scheduled time is skipped and reported. Default 300.
   * It also bounds capacity retries, and must stay under an hour: ECS lists a STOPPED task for
   * about an hour, and that is how a slot that already ran is recognized.
   */
  startingDeadlineSeconds?: number;
  /** A run still going after this long is stopped with a reason. Absent: no limit. */
  maxRunSeconds?: number;
  /** When nothing fits, retry with backoff until the starting deadline. Default true. */
  retryOnCapacity?: boolean;
  /**
   * How many times a failed run (an essential container exited non-zero, or the task failed to
   * start) is started again, as the same slot's next attempt. Runs the scheduler stopped itself
   * (maxRunSeconds, Replace) are never retried. 0-10, default 0.
   */
  retries?: number;
  /** The wait before the first retry, doubled for each next one, at most 15 minutes. Default 60. */
  retryDelaySeconds?: number;
  /** Whether the stack alarms when a slot ends failed (after its retries). Default true. */
  alarmOnFailure?: boolean;
  /** A suspended rule skips every slot (and reports it). Default false. */
  suspend?: boolean;
  /**
   * IAM role ARNs the task definition names (task role, execution role): the function may pass
   * only these to ECS. Default none, for task definitions without roles.
   */
  passRoles?: readonly string[];
  overrides?: TaskOverride;
  tags?: Readonly<Record<string, string>>;
}

export const CRON_NAME_PATTERN = /^[A-Za-z0-9_-]{1,23}$/;

/** The environment variable each container of a run receives: the slot's scheduled time, ISO-8601 UTC. */
export const SCHEDULED_TIME_VARIABLE = 'SCHEDULED_TIME';

const PREFIX = 'cron/';

/** startedBy of every run of the rule, whatever the slot: `cron/<name>/`. */
export function cronRulePrefix(rule: Pick<CronRule, 'name'>): string {
  return `${PREFIX}${rule.name}/`;
}

/**
 * startedBy of one slot's copies: `cron/<name>/<slot>`, the slot as epoch seconds in base 36
 * (7 characters until the year 2058), so the key fits ECS's 36 characters and its alphabet.
 * Looking for this key before starting is what makes a re-delivered slot start nothing extra.
 */
export function cronSlotKey(rule: Pick<CronRule, 'name'>, slot: Date): string {
  return `${cronRulePrefix(rule)}${Math.floor(slot.getTime() / 1000).toString(36)}`;
}

/**
 * startedBy of one attempt of a slot: the slot's key for the first, then `<slot key>/<n>` with n
 * in base 36 (a retry of a rule whose name is at most 21 characters still fits ECS's 36).
 */
export function cronAttemptKey(rule: Pick<CronRule, 'name'>, slot: Date, attempt: number): string {
  const key = cronSlotKey(rule, slot);
  return attempt <= 1 ? key : `${key}/${attempt.toString(36)}`;
}

/** The attempt a startedBy names (1 for a slot's key alone), if it is one of this rule's. */
export function attemptOfKey(rule: Pick<CronRule, 'name'>, startedBy: string | undefined): number | undefined {
  if (slotOfKey(rule, startedBy) === undefined) return undefined;
  const [, attempt] = startedBy!.slice(cronRulePrefix(rule).length).split('/');
  return attempt === undefined ? 1 : parseInt(attempt, 36);
}

/**
 * Every stop the scheduler asks of ECS gives a reason that begins so (ECS keeps it as the task's
 * stoppedReason): that is how a run stopped by us (maxRunSeconds, Replace) is told from one that
 * failed on its own.
 */
export function cronStopReason(rule: Pick<CronRule, 'name'>, why: string): string {
  return `cron ${rule.name}: ${why}`;
}

export function isCronStop(rule: Pick<CronRule, 'name'>, stoppedReason: string | undefined): boolean {
  return stoppedReason?.startsWith(cronStopReason(rule, '')) ?? false;
}

/** The slot a startedBy names, if it is one of this rule's. */
export function slotOfKey(rule: Pick<CronRule, 'name'>, startedBy: string | undefined): Date | undefined {
  const prefix = cronRulePrefix(rule);
  if (!startedBy?.startsWith(prefix)) return undefined;
  const seconds = parseInt(startedBy.slice(prefix.length), 36);
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}
