import { describe, expect, it } from 'vitest';
import { configWarnings, loadConfig, validateConfig } from '../../shared/config/index.js';
import { fixedOffsetZones, pastSchedules } from '../../shared/config/schedule-checks.js';
import { withCron } from './configs.js';

const NOW = new Date('2026-12-07T00:30:00Z');

describe('pastSchedules, judged at a given time', () => {
  it.each([
    ['at() long past', 'at(2020-01-01T00:00:00)', undefined, true],
    ['at() exactly now', 'at(2026-12-07T00:30:00)', undefined, true],
    ['at() a second from now', 'at(2026-12-07T00:30:01)', undefined, false],
    // 01:00 in Paris (UTC+1) is 00:00 UTC: already past at 00:30 UTC.
    ['at() read in its zone: past there', 'at(2026-12-07T01:00:00)', 'Europe/Paris', true],
    ['at() read in its zone: still ahead there', 'at(2026-12-07T01:00:00)', 'UTC', false],
    ['a cron is never past', 'cron(0 2 * * ? 2020)', undefined, false],
    ['a rate is never past', 'rate(1 hour)', undefined, false],
    ['an at() that does not parse has its own error', 'at(yesterday)', undefined, false],
  ] as const)('%s', (_case, schedule, timeZone, past) => {
    const findings = pastSchedules(withCron({ schedule, ...(timeZone && { timeZone }) }), NOW);
    expect(findings.length > 0).toBe(past);
  });

  it('names the instant and the time it was judged by', () => {
    expect(pastSchedules(withCron({ schedule: 'at(2020-01-01T00:00:00)' }), NOW)).toEqual([
      {
        path: ['crons', 0, 'schedule'],
        message: 'at(2020-01-01T00:00:00) in UTC is 2020-01-01T00:00:00.000Z, already past (now 2026-12-07T00:30:00.000Z): it would never run; give a later time or remove the rule',
        input: 'at(2020-01-01T00:00:00)',
      },
    ]);
  });
});

describe('validateConfig with a clock', () => {
  const past = withCron({ schedule: 'at(2020-01-01T00:00:00)', count: 0 });

  it('refuses a past at() with every other error, naming the rule', () => {
    const result = validateConfig(past, { now: NOW });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.message)).toEqual([
      'cron rule "nightly-report": count: must be a whole number from 1 to 100, found 0',
      expect.stringMatching(/^cron rule "nightly-report": schedule: at\(2020-01-01T00:00:00\) in UTC is 2020-01-01T00:00:00.000Z, already past/),
    ]);
    expect(() => loadConfig({ ...past, crons: [{ ...(past.crons as object[])[0], count: 1 }] }, { now: NOW })).toThrow(/already past/);
  });

  it('without one, judges only the shape', () => {
    expect(validateConfig(withCron({ schedule: 'at(2020-01-01T00:00:00)' })).ok).toBe(true);
  });
});

describe('fixed-offset time zones', () => {
  it.each([
    ['EST', 'UTC-05:00', 'use America/New_York'],
    ['MST', 'UTC-07:00', 'use America/Denver (America/Phoenix stays on UTC-07:00 all year)'],
    ['HST', 'UTC-10:00', 'use Pacific/Honolulu'],
    ['Etc/GMT+5', 'UTC-05:00', 'use America/New_York'],
    ['Etc/GMT-1', 'UTC+01:00', 'use Europe/Paris'],
    ['Etc/GMT-14', 'UTC+14:00', "use its Region/City zone"],
  ])('%s is reported as %s, with the zone probably meant', (timeZone, offset, advice) => {
    const [finding] = fixedOffsetZones(withCron({ timeZone }));
    expect(finding?.path).toEqual(['crons', 0, 'timeZone']);
    expect(finding?.message).toBe(`"${timeZone}" is a fixed offset, ${offset} all year, with no daylight saving time; if the schedule should follow a place's clocks, ${advice}`);
  });

  it.each(['UTC', 'Etc/UTC', 'Etc/GMT+0', 'GMT', 'America/New_York', 'Asia/Kolkata', 'US/Eastern'])('%s is not reported', (timeZone) => {
    expect(fixedOffsetZones(withCron({ timeZone }))).toEqual([]);
  });

  it('are a warning that names the rule, not an error', () => {
    const config = loadConfig(withCron({ timeZone: 'EST' }));
    expect(configWarnings(config)).toEqual([
      {
        path: 'crons[nightly-report].timeZone',
        rule: 'nightly-report',
        message: expect.stringMatching(/^cron rule "nightly-report": timeZone: "EST" is a fixed offset, UTC-05:00/),
      },
    ]);
  });
});
