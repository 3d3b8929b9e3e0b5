import { fixedOffset, formatUtcOffset } from '../schedule/fixed-offset.js';
import { parseSchedule, ScheduleError } from '../schedule/index.js';
import { isRecord } from './records.js';
import type { Finding } from './references.js';

/**
 * Schedule checks that depend on more than the text: whether an at() is already past (the clock)
 * and whether a zone is probably not what the user meant (a warning, not an error). Pure: the
 * caller passes `now`, so a check is a table of cases.
 */

/**
 * at() schedules at or before `now`: EventBridge would never fire them, as a cron matching no
 * date never fires (which parseSchedule refuses). Read from the config as given, so they are
 * reported with every other error; a schedule that does not parse has its own error already.
 */
export function pastSchedules(config: unknown, now: Date): Finding[] {
  return cronRules(config).flatMap(({ rule, index }) => {
    if (typeof rule.schedule !== 'string' || !rule.schedule.startsWith('at(')) return [];
    const timeZone = typeof rule.timeZone === 'string' ? rule.timeZone : 'UTC';
    const schedule = parsed(rule.schedule, timeZone);
    if (schedule?.kind !== 'at' || schedule.at > now) return [];
    return [
      {
        path: ['crons', index, 'schedule'],
        message: `${rule.schedule} in ${timeZone} is ${schedule.at.toISOString()}, already past (now ${now.toISOString()}): it would never run; give a later time or remove the rule`,
        input: rule.schedule,
      },
    ];
  });
}

/** Cron rules whose timeZone is a fixed UTC offset, with the daylight-saving zone probably meant. */
export function fixedOffsetZones(config: unknown): Finding[] {
  return cronRules(config).flatMap(({ rule, index }) => {
    if (typeof rule.timeZone !== 'string') return [];
    const offset = fixedOffset(rule.timeZone);
    if (!offset) return [];
    const instead = offset.probablyMeant ? `use ${offset.probablyMeant}` : 'use its Region/City zone';
    return [
      {
        path: ['crons', index, 'timeZone'],
        message: `"${rule.timeZone}" is a fixed offset, ${formatUtcOffset(offset.utcOffsetHours)} all year, with no daylight saving time; if the schedule should follow a place's clocks, ${instead}`,
        input: rule.timeZone,
      },
    ];
  });
}

function cronRules(config: unknown): Array<{ rule: Record<string, unknown>; index: number }> {
  if (!isRecord(config) || !Array.isArray(config.crons)) return [];
  return config.crons.flatMap((rule: unknown, index) => (isRecord(rule) ? [{ rule, index }] : []));
}

function parsed(expression: string, timeZone: string) {
  try {
    return parseSchedule(expression, timeZone);
  } catch (error) {
    if (error instanceof ScheduleError) return undefined;
    throw error;
  }
}
