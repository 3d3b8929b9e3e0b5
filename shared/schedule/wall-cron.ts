import { Cron } from 'croner';

/**
 * croner evaluating a seven-field pattern on the wall clock of wall-clock.ts (a Date whose UTC
 * fields are the local ones). A UTC offset of 0 keeps croner's own daylight-saving rules out:
 * EventBridge's differ, and cron-slots.ts applies them. Sunday is 1, as in EventBridge. The `?`
 * day field arrives as `*`, which croner (like Vixie cron) reads as "the other day field
 * decides". No callback is given, so croner starts no timer.
 */
export function wallCron(pattern: string): Cron {
  return new Cron(pattern, { utcOffset: 0, mode: '7-part', alternativeWeekdays: true });
}
