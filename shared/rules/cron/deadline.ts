export const DEFAULT_STARTING_DEADLINE_SECONDS = 300;
/** EventBridge Scheduler's longest maximum event age: a slot is never delivered later than this. */
export const MAX_STARTING_DEADLINE_SECONDS = 86_400;

/**
 * The fields of a cron rule the deadline reads. Named here rather than picked from CronRule: the
 * config schema, which defines CronRule, checks deadlines with these functions.
 */
export interface DeadlineFields {
  flexibleWindowMinutes?: number;
  startingDeadlineSeconds?: number;
}

/**
 * The last instant a slot may still start; a start at exactly this instant is in time. Capacity
 * retries stop here too.
 *
 * With a flexible time window, EventBridge Scheduler invokes anywhere in the window after the
 * scheduled time and still reports the scheduled time, so the deadline counts from the window's
 * end: otherwise a 15-minute window and the default 5-minute deadline would skip most slots.
 */
export function startingDeadline(rule: DeadlineFields, slot: Date): Date {
  return new Date(slot.getTime() + secondsToDeadline(rule) * 1000);
}

/** How long after its scheduled time a slot may still start: the flexible window plus the starting deadline. */
export function secondsToDeadline(rule: DeadlineFields): number {
  return (rule.flexibleWindowMinutes ?? 0) * 60 + (rule.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS);
}
