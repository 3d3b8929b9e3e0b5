import { describe, expect, it } from 'vitest';
import { nextSlot, parseSchedule, previousSlot, slotsBetween } from '../../shared/schedule/index.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

describe('rate slots from the default anchor, the Unix epoch', () => {
  const everyFive = parseSchedule('rate(5 minutes)');

  it.each<[string, string]>([
    ['2026-01-01T00:02:00Z', '2026-01-01T00:05:00.000Z'],
    ['2026-01-01T00:05:00Z', '2026-01-01T00:10:00.000Z'], // strictly after
    ['2026-01-01T00:09:59.999Z', '2026-01-01T00:10:00.000Z'],
  ])('next after %s', (after, next) => {
    expect(iso(nextSlot(everyFive, at(after)))).toBe(next);
  });

  it.each<[string, string]>([
    ['2026-01-01T00:07:00Z', '2026-01-01T00:05:00.000Z'],
    ['2026-01-01T00:05:00Z', '2026-01-01T00:05:00.000Z'], // inclusive
    ['2026-01-01T00:04:59.999Z', '2026-01-01T00:00:00.000Z'],
  ])('previous at or before %s', (atOrBefore, previous) => {
    expect(iso(previousSlot(everyFive, at(atOrBefore)))).toBe(previous);
  });

  it('lists (from, to]', () => {
    expect(slotsBetween(everyFive, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:20:00Z')).map(iso)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:20:00.000Z',
    ]);
  });
});

describe('rate slots from an anchor (the schedule StartDate)', () => {
  const hourly = parseSchedule('rate(1 hour)', 'UTC', { anchor: at('2026-01-01T00:03:20Z') });

  it.each<['next' | 'previous', string, string | undefined]>([
    ['next', '2025-12-31T00:00:00Z', '2026-01-01T00:03:20.000Z'], // the anchor is the first slot
    ['next', '2026-01-01T00:03:20Z', '2026-01-01T01:03:20.000Z'],
    ['next', '2026-01-01T04:00:00Z', '2026-01-01T04:03:20.000Z'],
    ['previous', '2026-01-01T00:03:19.999Z', undefined], // nothing before the anchor
    ['previous', '2026-01-01T00:03:20Z', '2026-01-01T00:03:20.000Z'],
    ['previous', '2026-01-01T05:00:00Z', '2026-01-01T04:03:20.000Z'],
  ])('%s from %s', (direction, instant, expected) => {
    const slot = direction === 'next' ? nextSlot(hourly, at(instant)) : previousSlot(hourly, at(instant));
    expect(iso(slot)).toBe(expected);
  });

  it('counts whole real days, ignoring daylight saving time (the zone plays no part)', () => {
    const daily = parseSchedule('rate(1 day)', 'America/New_York', { anchor: at('2026-03-07T12:00:00Z') });
    expect(slotsBetween(daily, at('2026-03-07T00:00:00Z'), at('2026-03-10T00:00:00Z')).map(iso)).toEqual([
      '2026-03-07T12:00:00.000Z',
      '2026-03-08T12:00:00.000Z',
      '2026-03-09T12:00:00.000Z',
    ]);
  });
});
