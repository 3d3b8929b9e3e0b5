import { describe, expect, it } from 'vitest';
import { describeSchedule, parseSchedule } from '../../shared/schedule/index.js';

describe('describeSchedule', () => {
  it.each<[string, string | undefined, Date | undefined, string]>([
    ['cron(0 2 * * ? *)', 'America/New_York', undefined, 'cron(0 2 * * ? *) in America/New_York'],
    ['cron(0 2 * * ? *)', undefined, undefined, 'cron(0 2 * * ? *) in UTC'],
    ['at(2026-12-01T10:00:00)', 'Europe/London', undefined, 'at(2026-12-01T10:00:00) in Europe/London'],
    ['rate(5 minutes)', undefined, undefined, 'rate(5 minutes)'],
    ['rate(5 minutes)', undefined, new Date('2026-01-01T00:00:00Z'), 'rate(5 minutes) from 2026-01-01T00:00:00.000Z'],
  ])('%s in %s from %s', (expression, timeZone, anchor, text) => {
    expect(describeSchedule(parseSchedule(expression, timeZone, { anchor }))).toBe(text);
  });
});
