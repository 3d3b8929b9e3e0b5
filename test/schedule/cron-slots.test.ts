import { describe, expect, it } from 'vitest';
import { nextSlot, parseSchedule, previousSlot, slotsBetween } from '../../shared/schedule/index.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

describe('nextSlot for cron (UTC unless named)', () => {
  it.each<[string, string, string, string | undefined]>([
    // [expression, time zone, after, next]
    ['cron(0 9 ? * MON-FRI *)', 'UTC', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00.000Z'], // Friday -> Monday
    ['cron(0 9 ? * MON-FRI *)', 'UTC', '2026-01-05T08:59:59Z', '2026-01-05T09:00:00.000Z'],
    ['cron(0 9 ? * 2-6 *)', 'UTC', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00.000Z'], // 1 = Sunday
    ['cron(0 12 ? * SUN *)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-04T12:00:00.000Z'],
    ['cron(0 12 ? * 1 *)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-04T12:00:00.000Z'],
    ['cron(0 12 ? * L *)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-03T12:00:00.000Z'], // L: Saturday
    ['cron(0 10 ? * 6L *)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-30T10:00:00.000Z'], // last Friday
    ['cron(0 10 ? * 3#2 *)', 'UTC', '2026-01-01T00:00:00Z', '2026-01-13T10:00:00.000Z'], // 2nd Tuesday
    ['cron(0 10 ? * MON#1 *)', 'UTC', '2026-01-06T00:00:00Z', '2026-02-02T10:00:00.000Z'],
    ['cron(0 0 L * ? *)', 'UTC', '2026-02-01T00:00:00Z', '2026-02-28T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', 'UTC', '2028-02-01T00:00:00Z', '2028-02-29T00:00:00.000Z'], // leap year
    ['cron(0 8 LW * ? *)', 'UTC', '2026-05-01T00:00:00Z', '2026-05-29T08:00:00.000Z'], // 31st is a Sunday
    ['cron(0 8 15W * ? *)', 'UTC', '2026-02-01T00:00:00Z', '2026-02-16T08:00:00.000Z'], // 15th: Sunday
    ['cron(0 8 15W * ? *)', 'UTC', '2026-08-01T00:00:00Z', '2026-08-14T08:00:00.000Z'], // 15th: Saturday
    ['cron(0 8 1W * ? *)', 'UTC', '2026-07-15T00:00:00Z', '2026-08-03T08:00:00.000Z'], // stays in August
    ['cron(0 6,18 * * ? *)', 'UTC', '2026-01-01T06:00:00Z', '2026-01-01T18:00:00.000Z'],
    ['cron(0 0 1 JAN,JUL ? *)', 'UTC', '2026-01-01T00:00:00Z', '2026-07-01T00:00:00.000Z'],
    ['cron(0 0 1-10/3 * ? *)', 'UTC', '2026-01-07T00:00:00Z', '2026-01-10T00:00:00.000Z'],
    ['cron(0 12 31 12 ? 2026)', 'UTC', '2026-06-01T00:00:00Z', '2026-12-31T12:00:00.000Z'],
    ['cron(0 12 31 12 ? 2026)', 'UTC', '2026-12-31T12:00:00Z', undefined], // the year field has ended
    ['cron(0 0 1 1 ? 2026-2027)', 'UTC', '2027-01-01T00:00:00Z', undefined],
    ['cron(0 0 1 1 ? *)', 'UTC', '2199-01-01T00:00:00Z', undefined], // EventBridge stops at 2199
    ['cron(0 9 ? * MON-FRI *)', 'Asia/Kolkata', '2026-01-05T00:00:00Z', '2026-01-05T03:30:00.000Z'],
    ['cron(0 1 ? * MON *)', 'Asia/Tokyo', '2026-01-01T00:00:00Z', '2026-01-04T16:00:00.000Z'], // Monday in Tokyo
  ])('%s in %s after %s', (expression, timeZone, after, next) => {
    expect(iso(nextSlot(parseSchedule(expression, timeZone), at(after)))).toBe(next);
  });
});

describe('previousSlot for cron (UTC)', () => {
  it.each<[string, string, string | undefined]>([
    // [expression, at or before, previous]
    ['cron(0 9 ? * MON-FRI *)', '2026-01-05T09:00:00Z', '2026-01-05T09:00:00.000Z'], // inclusive
    ['cron(0 9 ? * MON-FRI *)', '2026-01-05T08:59:59.999Z', '2026-01-02T09:00:00.000Z'],
    ['cron(0 0 L * ? *)', '2026-03-15T00:00:00Z', '2026-02-28T00:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-01-01T00:14:59.999Z', '2026-01-01T00:00:00.000Z'],
    ['cron(0 12 31 12 ? 2026)', '2030-01-01T00:00:00Z', '2026-12-31T12:00:00.000Z'],
    ['cron(0 12 31 12 ? 2026)', '2026-12-31T11:59:59Z', undefined],
  ])('%s at or before %s', (expression, atOrBefore, previous) => {
    expect(iso(previousSlot(parseSchedule(expression), at(atOrBefore)))).toBe(previous);
  });
});

describe('slotsBetween for cron (UTC)', () => {
  it.each<[string, string, string, string[]]>([
    [
      'cron(0/15 * * * ? *)',
      '2026-01-01T00:00:00Z',
      '2026-01-01T01:00:00Z',
      ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z', '2026-01-01T01:00:00.000Z'],
    ],
    [
      'cron(1/10 * * * ? *)',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:30:00Z',
      ['2026-01-01T00:01:00.000Z', '2026-01-01T00:11:00.000Z', '2026-01-01T00:21:00.000Z'],
    ],
    [
      'cron(0 0 1 1 ? 2026/2)',
      '2025-01-01T00:00:00Z',
      '2031-01-01T00:00:00Z',
      ['2026-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'],
    ],
    ['cron(0 0 1 1 ? 2026-2027)', '2025-06-01T00:00:00Z', '2099-01-01T00:00:00Z', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']],
    ['cron(0 9 ? * MON-FRI *)', '2026-01-03T00:00:00Z', '2026-01-04T23:59:59Z', []], // a weekend
  ])('%s in (%s, %s]', (expression, from, to, slots) => {
    expect(slotsBetween(parseSchedule(expression), at(from), at(to)).map(iso)).toEqual(slots);
  });

  it('stops at the limit, keeping the earliest', () => {
    const slots = slotsBetween(parseSchedule('cron(* * * * ? *)'), at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 3);
    expect(slots.map(iso)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
  });

  it('returns at most 1000 slots by default', () => {
    const slots = slotsBetween(parseSchedule('cron(* * * * ? *)'), at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'));
    expect(slots).toHaveLength(1000);
    expect(iso(slots.at(-1))).toBe('2026-01-01T16:40:00.000Z');
  });
});
