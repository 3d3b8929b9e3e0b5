import { CRON_FIELD_SPECS, translateField } from './cron-fields.js';
import { invalidSchedule } from './errors.js';
import type { CronFields, CronSchedule } from './types.js';
import { wallCron } from './wall-cron.js';

type SixFields = [string, string, string, string, string, string];

/** Just before the first year EventBridge allows, to find out whether a pattern ever matches. */
const BEFORE_1970 = new Date(Date.UTC(1969, 11, 31, 23, 59, 59));

/**
 * Parses the body of `cron(...)`: minutes hours day-of-month month day-of-week year.
 *
 * @throws ScheduleError for a wrong field count, a bad field, `?` in neither or both day fields,
 *   or a pattern no date matches (31 February), which EventBridge would never fire.
 */
export function parseCron(expression: string, body: string, timeZone: string): CronSchedule {
  const texts = body.trim().toUpperCase().split(/\s+/).filter((text) => text !== '');
  if (!isSixFields(texts)) {
    throw invalidSchedule(
      expression,
      `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), found ${texts.length}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = texts;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw invalidSchedule(expression, 'cron(): use ? in day-of-month or day-of-week (exactly one)');
  }
  const fields: CronFields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  // croner's seven fields start with seconds; EventBridge fires on the minute.
  const translated = CRON_FIELD_SPECS.map((spec) => translateField(fields[spec.key], spec, expression));
  const pattern = ['0', ...translated].join(' ');
  if (wallCron(pattern).nextRun(BEFORE_1970) === null) {
    throw invalidSchedule(expression, 'no date matches it, so it would never run');
  }
  return { kind: 'cron', expression, timeZone, fields, pattern };
}

function isSixFields(texts: string[]): texts is SixFields {
  return texts.length === 6;
}

