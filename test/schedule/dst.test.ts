import { describe, expect, it } from 'vitest';
import { nextSlot, parseSchedule, previousSlot, slotsBetween } from '../../shared/schedule/index.js';
import { localTime } from './local-time.js';

/*
 * EventBridge Scheduler's documented rules for a cron schedule in a zone with daylight saving
 * time: a local time the clocks skip does not fire that day; a local time they show twice fires
 * once, at its first occurrence. 2026 changes: New York 03-08 (02:00 -> 03:00) and 11-01
 * (02:00 -> 01:00); London 03-29 (01:00 -> 02:00) and 10-25 (02:00 -> 01:00); Sydney 10-04
 * (02:00 -> 03:00) and 04-05 (03:00 -> 02:00).
 */

const NEW_YORK = 'America/New_York';

function localSlots(expression: string, timeZone: string, from: string, to: string): string[] {
  return slotsBetween(parseSchedule(expression, timeZone), new Date(from), new Date(to)).map((slot) =>
    localTime(slot, timeZone),
  );
}

describe('America/New_York, spring forward on 2026-03-08', () => {
  it('a daily 02:30 has no run on the day 02:30 does not exist', () => {
    expect(localSlots('cron(30 2 * * ? *)', NEW_YORK, '2026-03-06T05:00:00Z', '2026-03-10T04:00:00Z')).toEqual([
      '2026-03-06 02:30 -05:00',
      '2026-03-07 02:30 -05:00',
      '2026-03-09 02:30 -04:00',
    ]);
  });

  it('a daily 01:30 runs every day, before the gap', () => {
    expect(localSlots('cron(30 1 * * ? *)', NEW_YORK, '2026-03-06T05:00:00Z', '2026-03-10T04:00:00Z')).toEqual([
      '2026-03-06 01:30 -05:00',
      '2026-03-07 01:30 -05:00',
      '2026-03-08 01:30 -05:00',
      '2026-03-09 01:30 -04:00',
    ]);
  });

  it('an hourly :30 runs 23 times that day, skipping 02:30', () => {
    const day = localSlots('cron(30 * * * ? *)', NEW_YORK, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z');
    expect(day).toHaveLength(23);
    expect(day.slice(0, 4)).toEqual([
      '2026-03-08 00:30 -05:00',
      '2026-03-08 01:30 -05:00',
      '2026-03-08 03:30 -04:00',
      '2026-03-08 04:30 -04:00',
    ]);
  });

  it.each<['next' | 'previous', string, string, string]>([
    ['next', 'cron(30 2 * * ? *)', '2026-03-08T06:00:00Z', '2026-03-09 02:30 -04:00'],
    ['previous', 'cron(30 2 * * ? *)', '2026-03-08T12:00:00Z', '2026-03-07 02:30 -05:00'],
    ['next', 'cron(30 * * * ? *)', '2026-03-08T06:30:00Z', '2026-03-08 03:30 -04:00'],
    ['previous', 'cron(30 * * * ? *)', '2026-03-08T07:29:00Z', '2026-03-08 01:30 -05:00'],
  ])('%s slot of %s from %s', (direction, expression, instant, local) => {
    const schedule = parseSchedule(expression, NEW_YORK);
    const slot = direction === 'next' ? nextSlot(schedule, new Date(instant)) : previousSlot(schedule, new Date(instant));
    expect(slot && localTime(slot, NEW_YORK)).toBe(local);
  });
});

describe('America/New_York, fall back on 2026-11-01', () => {
  it('a daily 02:30 runs once a day as usual (02:30 is not repeated)', () => {
    expect(localSlots('cron(30 2 * * ? *)', NEW_YORK, '2026-10-30T04:00:00Z', '2026-11-03T05:00:00Z')).toEqual([
      '2026-10-30 02:30 -04:00',
      '2026-10-31 02:30 -04:00',
      '2026-11-01 02:30 -05:00',
      '2026-11-02 02:30 -05:00',
    ]);
  });

  it('a daily 01:30 runs once, at the first 01:30 (daylight time)', () => {
    expect(localSlots('cron(30 1 * * ? *)', NEW_YORK, '2026-10-30T04:00:00Z', '2026-11-03T05:00:00Z')).toEqual([
      '2026-10-30 01:30 -04:00',
      '2026-10-31 01:30 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-02 01:30 -05:00',
    ]);
  });

  it('an hourly :30 runs 24 times that day: 01:30 once, then two hours to 02:30', () => {
    const day = localSlots('cron(30 * * * ? *)', NEW_YORK, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z');
    expect(day).toHaveLength(24);
    expect(day.slice(0, 4)).toEqual([
      '2026-11-01 00:30 -04:00',
      '2026-11-01 01:30 -04:00',
      '2026-11-01 02:30 -05:00',
      '2026-11-01 03:30 -05:00',
    ]);
  });

  // 05:30Z is 01:30 EDT (the first 01:30); 06:00Z-07:00Z is the second pass of 01:00-02:00.
  it.each<['next' | 'previous', string, string, string]>([
    ['next', 'cron(30 * * * ? *)', '2026-11-01T05:30:00Z', '2026-11-01T07:30:00.000Z'],
    ['next', 'cron(30 * * * ? *)', '2026-11-01T06:10:00Z', '2026-11-01T07:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T05:29:00Z', '2026-11-01T04:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T05:45:00Z', '2026-11-01T05:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T06:29:00Z', '2026-11-01T05:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T06:45:00Z', '2026-11-01T05:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T07:29:00Z', '2026-11-01T05:30:00.000Z'],
    ['previous', 'cron(30 * * * ? *)', '2026-11-01T07:30:00Z', '2026-11-01T07:30:00.000Z'],
    ['next', 'cron(30 1 * * ? *)', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00.000Z'],
    ['previous', 'cron(30 1 * * ? *)', '2026-11-01T06:45:00Z', '2026-11-01T05:30:00.000Z'],
    ['next', 'cron(0/20 1 * * ? *)', '2026-11-01T05:45:00Z', '2026-11-02T06:00:00.000Z'],
  ])('%s slot of %s from %s', (direction, expression, instant, expected) => {
    const schedule = parseSchedule(expression, NEW_YORK);
    const slot = direction === 'next' ? nextSlot(schedule, new Date(instant)) : previousSlot(schedule, new Date(instant));
    expect(slot?.toISOString()).toBe(expected);
  });

  it('an at() in the repeated hour means the first occurrence', () => {
    expect(parseSchedule('at(2026-11-01T01:30:00)', NEW_YORK)).toMatchObject({ at: new Date('2026-11-01T05:30:00Z') });
  });
});

describe('Europe/London and Australia/Sydney', () => {
  it('London: a daily 01:30 skips 2026-03-29 and runs once on 2026-10-25', () => {
    expect(localSlots('cron(30 1 * * ? *)', 'Europe/London', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-28 01:30 +00:00',
      '2026-03-30 01:30 +01:00',
    ]);
    expect(localSlots('cron(30 1 * * ? *)', 'Europe/London', '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      '2026-10-24 01:30 +01:00',
      '2026-10-25 01:30 +01:00',
      '2026-10-26 01:30 +00:00',
    ]);
  });

  it('Sydney: a daily 02:30 skips 2026-10-04 and runs once on 2026-04-05', () => {
    expect(localSlots('cron(30 2 * * ? *)', 'Australia/Sydney', '2026-10-02T14:00:00Z', '2026-10-05T13:00:00Z')).toEqual([
      '2026-10-03 02:30 +10:00',
      '2026-10-05 02:30 +11:00',
    ]);
    expect(localSlots('cron(30 2 * * ? *)', 'Australia/Sydney', '2026-04-02T13:00:00Z', '2026-04-05T14:00:00Z')).toEqual([
      '2026-04-03 02:30 +11:00',
      '2026-04-04 02:30 +11:00',
      '2026-04-05 02:30 +11:00',
    ]);
  });
});
