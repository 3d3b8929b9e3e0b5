import { describe, expect, it } from 'vitest';
import { nextSlot, parseSchedule, previousSlot, slotsBetween } from '../../shared/schedule/index.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

describe('at() reads its local time in the schedule zone', () => {
  it.each<[string, string, string]>([
    ['at(2026-12-01T10:00:00)', 'UTC', '2026-12-01T10:00:00.000Z'],
    ['at(2026-12-01T10:00:00)', 'America/New_York', '2026-12-01T15:00:00.000Z'], // EST
    ['at(2026-07-01T10:00:00)', 'America/New_York', '2026-07-01T14:00:00.000Z'], // EDT
    ['at(2026-07-01T09:00:00)', 'Europe/London', '2026-07-01T08:00:00.000Z'],
    ['at(2026-12-01T10:00:00)', 'Asia/Kolkata', '2026-12-01T04:30:00.000Z'],
  ])('%s in %s', (expression, timeZone, instant) => {
    expect(iso(nextSlot(parseSchedule(expression, timeZone), at('2026-01-01T00:00:00Z')))).toBe(instant);
  });
});

describe('at() fires once', () => {
  const once = parseSchedule('at(2026-12-01T10:00:00)', 'America/New_York'); // 15:00Z

  it.each<['next' | 'previous', string, string | undefined]>([
    ['next', '2026-12-01T14:59:59Z', '2026-12-01T15:00:00.000Z'],
    ['next', '2026-12-01T15:00:00Z', undefined], // past: no slot
    ['previous', '2026-12-01T15:00:00Z', '2026-12-01T15:00:00.000Z'],
    ['previous', '2026-12-01T14:59:59Z', undefined],
  ])('%s from %s', (direction, instant, expected) => {
    const slot = direction === 'next' ? nextSlot(once, at(instant)) : previousSlot(once, at(instant));
    expect(iso(slot)).toBe(expected);
  });

  it('lists its one slot only inside (from, to]', () => {
    expect(slotsBetween(once, at('2026-12-01T00:00:00Z'), at('2026-12-01T15:00:00Z')).map(iso)).toEqual([
      '2026-12-01T15:00:00.000Z',
    ]);
    expect(slotsBetween(once, at('2026-12-01T15:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual([]);
  });

  it('hands out copies, so a caller cannot move the schedule', () => {
    nextSlot(once, at('2026-01-01T00:00:00Z'))?.setTime(0);
    expect(iso(previousSlot(once, at('2027-01-01T00:00:00Z')))).toBe('2026-12-01T15:00:00.000Z');
  });
});
