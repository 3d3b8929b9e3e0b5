import { invalidSchedule } from './errors.js';
import type { AtSchedule } from './types.js';
import { fromWallClock } from './wall-clock.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * Parses the body of `at(...)`: a local date and time, read in the schedule's zone. A time the
 * clocks show twice (the hour repeated when daylight saving time ends) means its first occurrence.
 *
 * @throws ScheduleError for another format, an impossible date, or a time the zone's clocks skip.
 */
export function parseAt(expression: string, body: string, timeZone: string): AtSchedule {
  if (!LOCAL_DATE_TIME.test(body)) {
    throw invalidSchedule(expression, `at() needs a local date and time as yyyy-mm-ddThh:mm:ss, found "${body}"`);
  }
  // Read as UTC, which is how wall-clock times travel; V8 rolls an impossible date over
  // (30 February becomes 2 March), so a round trip must give back the same text.
  const wall = new Date(`${body}Z`);
  if (Number.isNaN(wall.getTime()) || wall.toISOString().slice(0, 19) !== body) {
    throw invalidSchedule(expression, `at(): ${body} is not a valid date and time`);
  }
  const at = fromWallClock(wall, timeZone);
  if (at === undefined) {
    throw invalidSchedule(
      expression,
      `at(): ${body} does not exist in ${timeZone}: the clocks skip it when daylight saving time starts`,
    );
  }
  return { kind: 'at', expression, timeZone, at };
}
