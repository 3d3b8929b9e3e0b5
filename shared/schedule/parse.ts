import { invalidSchedule } from './errors.js';
import { parseAt } from './parse-at.js';
import { parseCron } from './parse-cron.js';
import { parseRate } from './parse-rate.js';
import { checkTimeZone } from './time-zone.js';
import type { ParseOptions, Schedule } from './types.js';

/**
 * Reads an EventBridge Scheduler expression (`cron(...)`, `rate(...)` or `at(...)`) and the zone
 * it is evaluated in (EventBridge's ScheduleExpressionTimezone, UTC by default). Every check
 * happens here, so the slot functions never fail on a parsed schedule.
 *
 * @throws ScheduleError saying what is wrong and what is allowed.
 */
export function parseSchedule(expression: string, timeZone = 'UTC', options: ParseOptions = {}): Schedule {
  checkTimeZone(timeZone, expression);
  const open = expression.indexOf('(');
  const kind = open > 0 && expression.endsWith(')') ? expression.slice(0, open) : '';
  const body = expression.slice(open + 1, -1);
  switch (kind) {
    case 'cron':
      return parseCron(expression, body, timeZone);
    case 'rate':
      return parseRate(expression, body, options.anchor ?? new Date(0));
    case 'at':
      return parseAt(expression, body, timeZone);
    default:
      throw invalidSchedule(expression, 'use cron(...), rate(...) or at(...)');
  }
}
