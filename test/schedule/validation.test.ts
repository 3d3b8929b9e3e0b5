import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleError } from '../../shared/schedule/index.js';

/** [expression, time zone, exact message, field at fault] */
const invalid: [string, string, string, string | undefined][] = [
  ['cron(0 25 * * ? *)', 'UTC', 'hours must be 0-23, found 25', 'hours'],
  ['cron(60 0 * * ? *)', 'UTC', 'minutes must be 0-59, found 60', 'minutes'],
  ['cron(0 0 32 * ? *)', 'UTC', 'day-of-month must be 1-31, found 32', 'day-of-month'],
  ['cron(0 0 ? 13 MON *)', 'UTC', 'month must be 1-12 or JAN-DEC, found 13', 'month'],
  ['cron(0 0 ? JANUARY MON *)', 'UTC', 'month must be 1-12 or JAN-DEC, found JANUARY', 'month'],
  ['cron(0 0 ? * 0 *)', 'UTC', 'day-of-week must be 1-7 or SUN-SAT, found 0', 'day-of-week'],
  ['cron(0 0 * * ? 1969)', 'UTC', 'year must be 1970-2199, found 1969', 'year'],
  ['cron(0 0 * * ? 2026-2200)', 'UTC', 'year must be 1970-2199, found 2200', 'year'],
  [
    'cron(0 2 * * ?)',
    'UTC',
    'cron() needs 6 fields (minutes hours day-of-month month day-of-week year), found 5',
    undefined,
  ],
  [
    'cron(0 0 2 * * ? *)',
    'UTC',
    'cron() needs 6 fields (minutes hours day-of-month month day-of-week year), found 7',
    undefined,
  ],
  ['cron(0 2 * * * *)', 'UTC', 'cron(): use ? in day-of-month or day-of-week (exactly one)', undefined],
  ['cron(0 2 ? * ? *)', 'UTC', 'cron(): use ? in day-of-month or day-of-week (exactly one)', undefined],
  ['cron(0 2 1 * MON *)', 'UTC', 'cron(): use ? in day-of-month or day-of-week (exactly one)', undefined],
  ['cron(? 2 * * ? *)', 'UTC', 'minutes has an invalid value "?": use 0-59 with , - * /', 'minutes'],
  ['cron(0 9 ? * 1/2 *)', 'UTC', 'day-of-week has an invalid value "1/2": use 1-7 or SUN-SAT with , - * ? L #', 'day-of-week'],
  ['cron(0/0 * * * ? *)', 'UTC', 'minutes step must be 1-60, found 0', 'minutes'],
  ['cron(0 22-2 * * ? *)', 'UTC', 'hours range 22-2 must go from low to high; write 22-23,0-2', 'hours'],
  [
    'cron(0 9 ? * FRI-MON *)',
    'UTC',
    'day-of-week range FRI-MON must go from low to high; write FRI-SAT,SUN-MON',
    'day-of-week',
  ],
  ['cron(0 9 ? * 3#1,6#3 *)', 'UTC', 'day-of-week with L or # must be a single expression, found 3#1,6#3', 'day-of-week'],
  ['cron(0 9 ? * MON#6 *)', 'UTC', 'day-of-week: the number after # must be 1-5, found 6', 'day-of-week'],
  ['cron(0 9 L,15 * ? *)', 'UTC', 'day-of-month with L or W must be a single expression, found L,15', 'day-of-month'],
  ['cron(0 9 L-2 * ? *)', 'UTC', 'day-of-month has an invalid value "L-2": use 1-31 with , - * ? / L W', 'day-of-month'],
  ['cron(0 9 1-5W * ? *)', 'UTC', 'day-of-month has an invalid value "1-5W": use 1-31 with , - * ? / L W', 'day-of-month'],
  ['cron(0 0 30 2 ? *)', 'UTC', 'no date matches it, so it would never run', undefined],
  ['rate(1 minutes)', 'UTC', 'rate(): use "minute" with 1, found "minutes"', 'unit'],
  ['rate(5 hour)', 'UTC', 'rate(): use "hours" with 5, found "hour"', 'unit'],
  ['rate(2 weeks)', 'UTC', 'rate(): unit must be minute(s), hour(s) or day(s), found "weeks"', 'unit'],
  ['rate(0 minutes)', 'UTC', 'rate(): value must be a whole number of 1 or more, found 0', 'value'],
  ['rate(1.5 hours)', 'UTC', 'rate(): value must be a whole number of 1 or more, found 1.5', 'value'],
  ['rate(99999999999999 days)', 'UTC', 'rate(): value 99999999999999 is too large', 'value'],
  ['rate(5)', 'UTC', 'rate() needs a value and a unit, such as rate(5 minutes)', undefined],
  [
    'at(2026-12-01 10:00:00)',
    'UTC',
    'at() needs a local date and time as yyyy-mm-ddThh:mm:ss, found "2026-12-01 10:00:00"',
    undefined,
  ],
  ['at(2026-02-30T10:00:00)', 'UTC', 'at(): 2026-02-30T10:00:00 is not a valid date and time', undefined],
  ['at(2026-12-01T24:00:00)', 'UTC', 'at(): 2026-12-01T24:00:00 is not a valid date and time', undefined],
  [
    'at(2026-03-08T02:30:00)',
    'America/New_York',
    'at(): 2026-03-08T02:30:00 does not exist in America/New_York: the clocks skip it when daylight saving time starts',
    undefined,
  ],
  ['every 5 minutes', 'UTC', 'use cron(...), rate(...) or at(...)', undefined],
  ['CRON(0 2 * * ? *)', 'UTC', 'use cron(...), rate(...) or at(...)', undefined],
  ['cron(0 2 * * ? *', 'UTC', 'use cron(...), rate(...) or at(...)', undefined],
  ['', 'UTC', 'use cron(...), rate(...) or at(...)', undefined],
];

/** Zone errors carry no "Invalid schedule" prefix: the expression may be fine. */
const badZones: [string, string][] = [
  ['America/New_Yrok', 'Unknown time zone "America/New_Yrok": use an IANA name such as America/New_York'],
  ['+05:00', 'Unknown time zone "+05:00": use an IANA name such as America/New_York'],
  ['', 'Unknown time zone "": use an IANA name such as America/New_York'],
  ['america/new_york', 'Time zone "america/new_york" must be written as America/New_York'],
  ['us/eastern', 'Time zone "us/eastern" must be written as America/New_York'],
  ['America/New_york', 'Time zone "America/New_york" must be written as America/New_York'],
];

function thrown(run: () => unknown): ScheduleError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleError, nothing was thrown');
}

describe('parseSchedule refuses', () => {
  it.each(invalid)('%s in %s', (expression, timeZone, detail, field) => {
    const error = thrown(() => parseSchedule(expression, timeZone));
    expect(error.message).toBe(`Invalid schedule "${expression}": ${detail}`);
    expect(error.expression).toBe(expression);
    expect(error.field).toBe(field);
    expect(error.name).toBe('ScheduleError');
  });

  it.each(badZones)('the time zone %j', (timeZone, message) => {
    const error = thrown(() => parseSchedule('cron(0 2 * * ? *)', timeZone));
    expect(error.message).toBe(message);
    expect(error.field).toBe('timeZone');
  });

  it('an anchor that is not a date', () => {
    const error = thrown(() => parseSchedule('rate(5 minutes)', 'UTC', { anchor: new Date('not a date') }));
    expect(error.message).toBe('Invalid schedule "rate(5 minutes)": the rate anchor is not a valid date');
    expect(error.field).toBe('anchor');
  });
});

describe('parseSchedule accepts', () => {
  it.each([
    'cron(0 9 ? * MON-FRI *)',
    'cron(0 9 ? * mon-fri *)',
    'cron(0 9 ? * 2-6 *)',
    'cron(0/15 * * * ? *)',
    'cron(*/10 8-17 ? * MON-FRI *)',
    'cron(0 6,18 * * ? *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 LW * ? *)',
    'cron(0 0 15W * ? *)',
    'cron(0 0 ? * 6L *)',
    'cron(0 0 ? * FRIL *)',
    'cron(0 0 ? * L *)',
    'cron(0 0 ? * 3#2 *)',
    'cron(0 0 1 JAN,JUL ? *)',
    'cron(0 0 1 1 ? 2020)',
    'cron(0 0 1 1 ? 2026/2)',
    'cron(0 0 1 1 ? 1970-2199)',
    'cron( 0  2 * * ? * )',
    'rate(1 minute)',
    'rate(1 hour)',
    'rate(1 day)',
    'rate(15 minutes)',
    'rate(2 hours)',
    'rate(7 days)',
    'at(2026-12-01T10:00:00)',
  ])('%s', (expression) => {
    expect(parseSchedule(expression).expression).toBe(expression);
  });

  it.each(['UTC', 'Etc/UTC', 'GMT', 'US/Eastern', 'Asia/Kolkata', 'Asia/Calcutta', 'Etc/GMT+5', 'America/Port-au-Prince'])(
    'the time zone %s, kept as written',
    (timeZone) => {
      const schedule = parseSchedule('cron(0 2 * * ? *)', timeZone);
      expect(schedule.kind === 'cron' && schedule.timeZone).toBe(timeZone);
    },
  );

  it('defaults to UTC', () => {
    expect(parseSchedule('cron(0 2 * * ? *)')).toMatchObject({ timeZone: 'UTC' });
  });

  it('reads the rate unit and its length', () => {
    expect(parseSchedule('rate(2 hours)')).toMatchObject({ every: { value: 2, unit: 'hours' }, everyMs: 7_200_000 });
    expect(parseSchedule('rate(1 day)')).toMatchObject({ every: { value: 1, unit: 'days' }, everyMs: 86_400_000 });
  });

  it('keeps the cron fields by name, names upper-cased', () => {
    expect(parseSchedule('cron(0/15 8-17 ? jan-mar mon-fri *)')).toMatchObject({
      fields: { minutes: '0/15', hours: '8-17', dayOfMonth: '?', month: 'JAN-MAR', dayOfWeek: 'MON-FRI', year: '*' },
    });
  });
});
