import { describe, expect, it } from 'vitest';
import { besideUtc, zonedTime } from '../../shared/schedule/index.js';

describe('slot times in the rule\'s zone', () => {
  it.each([
    ['2026-12-08T06:00:00.000Z', 'America/New_York', '2026-12-08 01:00 America/New_York'], // EST, UTC-5
    ['2026-07-08T05:00:00.000Z', 'America/New_York', '2026-07-08 01:00 America/New_York'], // EDT, UTC-4
    ['2026-12-31T23:30:00.000Z', 'Asia/Kolkata', '2027-01-01 05:00 Asia/Kolkata'], // the next day, a half-hour offset
    ['2026-03-29T00:59:00.000Z', 'Europe/Paris', '2026-03-29 01:59 Europe/Paris'], // just before the spring-forward gap
    ['2026-03-29T01:00:00.000Z', 'Europe/Paris', '2026-03-29 03:00 Europe/Paris'], // just after it
  ])('%s in %s is %s', (utc, zone, expected) => {
    expect(zonedTime(utc, zone)).toBe(expected);
  });

  it('puts the zone\'s time beside UTC, and nothing beside it for a rule in UTC', () => {
    expect(besideUtc('2026-12-08T06:00:00.000Z', 'America/New_York')).toBe('2026-12-08T06:00:00.000Z (2026-12-08 01:00 America/New_York)');
    expect(besideUtc('2026-12-08T06:00:00.000Z', 'UTC')).toBe('2026-12-08T06:00:00.000Z');
    expect(besideUtc('2026-12-08T06:00:00.000Z', undefined)).toBe('2026-12-08T06:00:00.000Z');
  });
});
