import { describe, expect, it } from 'vitest';
import { CronMessageError, keepsOrder, parseCronMessage, type CronCommand } from '../../shared/handlers/cron/messages.js';
import type { CronRule } from '../../shared/rules/cron/rule.js';

const base = { cluster: 'c', taskDefinition: 'job' };
const RULES = new Map<string, CronRule>(
  [
    { name: 'nightly', schedule: 'cron(0 2 * * ? *)', ...base },
    { name: 'ny', schedule: 'cron(30 1 * * ? *)', timeZone: 'America/New_York', ...base },
    { name: 'rate', schedule: 'rate(7 minutes)', ...base },
    { name: 'once', schedule: 'at(2026-05-01T09:15:00)', timeZone: 'Europe/Paris', ...base },
  ].map((rule) => [rule.name, rule]),
);
const NOW = new Date('2026-11-01T12:00:00Z');
const parse = (message: object) => parseCronMessage(JSON.stringify(message), RULES, NOW);
const slotOf = (command: CronCommand) => (command.kind === 'slot' ? [command.slot.toISOString(), command.trigger] : command.kind);

describe('parseCronMessage', () => {
  it.each([
    ['nightly', '2026-11-01T02:00:00Z', '2026-11-01T02:00:00.000Z'],
    ['nightly', '2026-11-01T03:00:00+01:00', '2026-11-01T02:00:00.000Z'],
    // 01:30 in New York on the day the clocks go back: the first 01:30 (EDT) is the slot.
    ['ny', '2026-11-01T05:30:00Z', '2026-11-01T05:30:00.000Z'],
    ['once', '2026-05-01T07:15:00Z', '2026-05-01T07:15:00.000Z'],
    // rate(...) slots start at the deployed schedule's start date, which the rule does not carry: not checked.
    ['rate', '2026-11-01T11:13:17Z', '2026-11-01T11:13:17.000Z'],
  ])('reads a %s slot %s', (rule, slot, expected) => {
    expect(slotOf(parse({ kind: 'slot', rule, slot }))).toEqual([expected, 'schedule']);
  });

  it.each([
    ['nightly', '2026-11-01T02:01:00Z'],
    ['ny', '2026-11-01T06:30:00Z'],
    ['ny', '2026-11-01T01:30:00Z'],
    ['once', '2026-05-01T09:15:00Z'],
  ])('refuses %s slot %s, which is not a fire time of the schedule', (rule, slot) => {
    expect(() => parse({ kind: 'slot', rule, slot })).toThrow(/not a fire time/);
  });

  describe('a slot that names the schedule that fired it', () => {
    // During a deploy the schedule and the function's copy of the rule change separately.
    it('is checked against that schedule, not the function\'s copy of the rule, and says it differs', () => {
      const command = parse({ kind: 'slot', rule: 'nightly', slot: '2026-11-01T03:00:00Z', schedule: 'cron(0 3 * * ? *)', timeZone: 'UTC' });
      expect(command).toEqual({ kind: 'slot', rule: RULES.get('nightly'), slot: new Date('2026-11-01T03:00:00Z'), trigger: 'schedule', firedBy: { schedule: 'cron(0 3 * * ? *)', timeZone: 'UTC' } });
    });

    it('a time zone that changed counts as a different schedule', () => {
      const command = parse({ kind: 'slot', rule: 'ny', slot: '2026-11-01T01:30:00Z', schedule: 'cron(30 1 * * ? *)', timeZone: 'UTC' });
      expect(command).toMatchObject({ kind: 'slot', firedBy: { schedule: 'cron(30 1 * * ? *)', timeZone: 'UTC' } });
    });

    it('the same schedule as the function\'s rule: nothing differs', () => {
      const command = parse({ kind: 'slot', rule: 'ny', slot: '2026-11-01T05:30:00Z', schedule: 'cron(30 1 * * ? *)', timeZone: 'America/New_York' });
      expect(command).toEqual({ kind: 'slot', rule: RULES.get('ny'), slot: new Date('2026-11-01T05:30:00Z'), trigger: 'schedule' });
    });

    it('is refused off that schedule\'s grid, even when the function\'s rule would take it', () => {
      expect(() => parse({ kind: 'slot', rule: 'nightly', slot: '2026-11-01T02:00:00Z', schedule: 'cron(0 3 * * ? *)', timeZone: 'UTC' })).toThrow(
        "slot 2026-11-01T02:00:00.000Z is not a fire time of rule nightly's schedule cron(0 3 * * ? *) (UTC)",
      );
    });

    it('is refused when that schedule cannot be read', () => {
      expect(() => parse({ kind: 'slot', rule: 'nightly', slot: '2026-11-01T02:00:00Z', schedule: 'daily' })).toThrow(/^slot message of rule nightly names a schedule that cannot be read: /);
    });
  });

  it('reads run-now: requestedAt, to the whole second, is its slot', () => {
    expect(slotOf(parse({ kind: 'run-now', rule: 'nightly', requestedAt: '2026-11-01T11:59:58.900Z' }))).toEqual(['2026-11-01T11:59:58.000Z', 'manual']);
  });

  it('reads overdue', () => {
    expect(parse({ kind: 'overdue', rule: 'rate' })).toEqual({ kind: 'overdue', rule: RULES.get('rate') });
    // As the deployed overdue schedule sends it: its scheduled time keeps each pass's body unique.
    expect(parse({ kind: 'overdue', rule: 'rate', at: '2026-03-01T02:06:00Z' })).toEqual({ kind: 'overdue', rule: RULES.get('rate') });
  });

  it.each([
    ['not JSON', 'slot', /^not JSON: slot$/],
    ['an array', '[]', /not a cron message/],
    ['no kind', '{"rule":"nightly"}', /not a cron message.*kind/],
    ['a missing slot', '{"kind":"slot","rule":"nightly"}', /not a cron message.*slot/],
    ['an epoch slot', '{"kind":"slot","rule":"nightly","slot":1785000000}', /not a cron message.*slot/],
    ['an extra field', '{"kind":"overdue","rule":"nightly","force":true}', /unknown field\(s\) force/],
    ['an empty rule', '{"kind":"overdue","rule":""}', /not a cron message.*rule/],
    ['an unknown rule', '{"kind":"overdue","rule":"weekly"}', /^unknown rule "weekly": this function serves nightly, ny, rate, once$/],
    ['a slot an hour ahead', '{"kind":"slot","rule":"nightly","slot":"2026-11-02T02:00:00Z"}', /slot 2026-11-02T02:00:00.000Z is more than 5 minutes ahead/],
    ['a local time', '{"kind":"run-now","rule":"nightly","requestedAt":"2026-11-01T11:00:00"}', /not a cron message.*requestedAt/],
    // Its slot would be the time it is handled: each redelivery a new slot, so a second run.
    ['a run-now without requestedAt', '{"kind":"run-now","rule":"nightly"}', /not a cron message.*requestedAt/],
  ])('refuses %s with a CronMessageError saying what is wrong', (_case, body, problem) => {
    let error: unknown;
    try {
      parseCronMessage(body, RULES, NOW);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CronMessageError);
    expect((error as Error).message).toMatch(problem);
  });

  it.each([
    ['an extra field', '{"kind":"slot","rule":"nightly","slot":"2026-11-01T02:00:00Z","count":2}', 'nightly'],
    ['a slot off the schedule', '{"kind":"slot","rule":"nightly","slot":"2026-11-01T02:01:00Z"}', 'nightly'],
    ['a requestedAt ahead', '{"kind":"run-now","rule":"ny","requestedAt":"2026-11-02T00:00:00Z"}', 'ny'],
    ['an unknown rule', '{"kind":"overdue","rule":"weekly"}', undefined],
    ['not JSON', '{"rule":"nightly"', undefined],
  ])('names the served rule of a refused message with %s, when there is one', (_case, body, rule) => {
    expect(() => parseCronMessage(body, RULES, NOW)).toThrow(expect.objectContaining({ name: 'CronMessageError', rule }));
  });
});

describe('keepsOrder', () => {
  it('holds slots and run-nows behind a failed message of their group, and lets run ends and passes through', () => {
    expect(keepsOrder(JSON.stringify({ kind: 'slot', rule: 'r', slot: '2026-03-01T02:00:00Z' }))).toBe(true);
    expect(keepsOrder(JSON.stringify({ kind: 'run-now', rule: 'r', requestedAt: '2026-03-01T02:00:00Z' }))).toBe(true);
    expect(keepsOrder('not json')).toBe(true);
    expect(keepsOrder('null')).toBe(true);
    expect(keepsOrder(JSON.stringify({ source: 'aws.ecs', 'detail-type': 'ECS Task State Change', detail: {} }))).toBe(false);
    expect(keepsOrder(JSON.stringify({ kind: 'overdue', rule: 'r' }))).toBe(false);
    expect(keepsOrder(JSON.stringify({ kind: 'retries', rule: 'r' }))).toBe(false);
  });
});
