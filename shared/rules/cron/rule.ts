import type { z } from 'zod';
import type { cronRuleSchema, overlapPolicySchema } from '../../config/cron.js';

/** What happens when a slot comes while an earlier run of the rule is still going. */
export type OverlapPolicy = z.output<typeof overlapPolicySchema>;

/**
 * One scheduled task: `count` copies of a task definition per slot of an EventBridge Scheduler
 * expression. Its fields, their documentation and defaults are the config schema's (a type-only
 * import: zod stays out of the Lambda bundles).
 */
export type CronRule = z.output<typeof cronRuleSchema>;

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
