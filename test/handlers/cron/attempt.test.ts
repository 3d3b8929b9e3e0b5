import { describe, expect, it } from 'vitest';
import type { FailedAction } from '../../../shared/ecs/apply.js';
import { failureAfterError, nextStep, RESERVED_MS, STOP_POLL_MS, type Attempt, type SlotStep } from '../../../shared/handlers/cron/attempt.js';

const NOW = new Date('2026-03-01T02:00:30Z');
const DEADLINE = new Date('2026-03-01T02:10:00Z');
const at = (seconds: number) => new Date(DEADLINE.getTime() + seconds * 1000);

const noRoom: Attempt['decision'] = { kind: 'start', unplaced: 1, rejections: { 'RESOURCE:CPU': 3 } };
const cpu: FailedAction = { action: 'start', target: 'ci-1', reason: 'RESOURCE:CPU' };
const lost: FailedAction = { action: 'start', target: 'ci-2', reason: 'TimeoutError', detail: 'socket hang up', outcomeUnknown: true };
const denied: FailedAction = { action: 'start', target: 'ci-3', reason: 'AccessDeniedException', detail: 'iam:PassRole' };
const stopRefused: FailedAction = { action: 'stop', target: 'task/old', reason: 'ClientException' };

/** A second attempt of a one-copy slot that found no room, with time to spare, unless a case says otherwise. */
function attempt(change: Partial<Attempt> = {}): Attempt {
  return { number: 2, begun: false, decision: noRoom, failures: [], copies: 0, count: 1, retryOnCapacity: true, now: NOW, deadline: DEADLINE, remainingTimeMs: 900_000, ...change };
}

const fitsNowhere = '1 copy fits on no instance (RESOURCE:CPU on 3)';

describe('the next step of a cron slot after one attempt', () => {
  it.each<[string, Partial<Attempt>, SlotStep]>([
    // A skip: the slot's outcome on the first attempt; on a retry, done or failed.
    ['a first attempt that skips', { number: 1, decision: { kind: 'skip', reason: 'suspended', detail: 'rule r is suspended' } }, { kind: 'skip', reason: 'suspended', detail: 'rule r is suspended' }],
    ['a first attempt that finds the slot complete', { number: 1, decision: { kind: 'skip', reason: 'slot-complete', detail: 'has 1 of 1' }, copies: 1 }, { kind: 'skip', reason: 'slot-complete', detail: 'has 1 of 1' }],
    ['a retry that finds the slot complete (a lost answer was a start)', { decision: { kind: 'skip', reason: 'slot-complete', detail: 'has 1 of 1' }, copies: 1 }, { kind: 'done' }],
    [
      'a retry barred by another run meanwhile',
      { decision: { kind: 'skip', reason: 'overlap-forbidden', detail: 'run of 01:00 still going' } },
      { kind: 'fail', reasons: ['run of 01:00 still going'], rejections: {}, failures: [] },
    ],
    [
      'a first attempt of a begun slot that cannot start: a failure, never a silent skip',
      { number: 1, begun: true, decision: { kind: 'skip', reason: 'too-late', detail: 'has 0 of 1 copies at its completion bound' } },
      { kind: 'fail', reasons: ['has 0 of 1 copies at its completion bound'], rejections: {}, failures: [] },
    ],
    // Replace waits for the run it stopped.
    ['the replaced run is stopping', { decision: { kind: 'await-stops', stopping: 1 } }, { kind: 'retry', waitMs: STOP_POLL_MS, why: 'awaiting-stops' }],
    [
      'the replaced run is stopping as the function ends',
      { decision: { kind: 'await-stops', stopping: 1 }, remainingTimeMs: RESERVED_MS },
      { kind: 'fail', reasons: ['1 copy of the replaced run had not stopped when the function\'s time ran out'], rejections: {}, failures: [] },
    ],
    ['ECS refused to stop the replaced run, before the deadline', { decision: { kind: 'await-stops', stopping: 1 }, failures: [stopRefused] }, { kind: 'retry', waitMs: 10_000, why: 'capacity' }],
    [
      'ECS refused to stop the replaced run, at the deadline',
      { decision: { kind: 'await-stops', stopping: 1 }, failures: [stopRefused], now: DEADLINE },
      {
        kind: 'fail',
        reasons: [
          'StopTask of task/old: ClientException',
          `REPLACE_STOP_FAILED: the run it replaces could not be stopped by ${DEADLINE.toISOString()}; the new run did not start, as the two must not overlap`,
        ],
        rejections: {},
        failures: [stopRefused],
      },
    ],
    // A start.
    ['every copy there', { copies: 1 }, { kind: 'done' }],
    ['every copy there, some after a refusal', { count: 2, copies: 2, failures: [cpu] }, { kind: 'done' }],
    [
      'a start ECS refuses for what it is',
      { failures: [cpu, denied] },
      {
        kind: 'fail',
        reasons: [fitsNowhere, 'StartTask on ci-1: RESOURCE:CPU', 'StartTask on ci-3: AccessDeniedException (iam:PassRole)', 'ECS refuses the start itself; retrying would not help'],
        rejections: { 'RESOURCE:CPU': 3 },
        failures: [cpu, denied],
      },
    ],
    [
      'copies no instance could ever take: fails now, with time to spare',
      { number: 1, decision: { kind: 'start', unplaced: 1, rejections: { CONSTRAINT: 3 }, neverPlaceable: 'no instance matches' } },
      { kind: 'fail', reasons: ['1 copy fits on no instance (CONSTRAINT on 3)', 'no instance matches'], rejections: { CONSTRAINT: 3 }, failures: [] },
    ],
    ['a stop refused (only starts are permanent)', { failures: [stopRefused] }, { kind: 'retry', waitMs: 10_000, why: 'capacity' }],
    [
      'no room and retryOnCapacity false',
      { retryOnCapacity: false },
      { kind: 'fail', reasons: [fitsNowhere, 'retryOnCapacity is false'], rejections: { 'RESOURCE:CPU': 3 }, failures: [] },
    ],
    ['a lost answer with retryOnCapacity false: re-read', { retryOnCapacity: false, failures: [lost] }, { kind: 'retry', waitMs: 10_000, why: 'outcome-unknown' }],
    ['no room, first attempt', { number: 1 }, { kind: 'retry', waitMs: 5_000, why: 'capacity' }],
    ['no room, fourth attempt', { number: 4 }, { kind: 'retry', waitMs: 40_000, why: 'capacity' }],
    ['no room, 3 s before the deadline', { now: at(-3) }, { kind: 'retry', waitMs: 3_000, why: 'capacity' }],
    [
      'no room at the deadline',
      { now: DEADLINE },
      { kind: 'fail', reasons: [fitsNowhere, 'the starting deadline 2026-03-01T02:10:00.000Z has passed'], rejections: { 'RESOURCE:CPU': 3 }, failures: [] },
    ],
    ['no room, function time just enough for the wait and one more attempt', { remainingTimeMs: 10_000 + RESERVED_MS }, { kind: 'retry', waitMs: 10_000, why: 'capacity' }],
    [
      'no room, function time short by 1 ms',
      { remainingTimeMs: 10_000 + RESERVED_MS - 1 },
      {
        kind: 'fail',
        reasons: [fitsNowhere, 'the function has 40 s left, too little to retry before the starting deadline 2026-03-01T02:10:00.000Z (raise its timeout)'],
        rejections: { 'RESOURCE:CPU': 3 },
        failures: [],
      },
    ],
    [
      'two copies unplaced on a cluster without instances',
      { count: 2, decision: { kind: 'start', unplaced: 2, rejections: {} }, retryOnCapacity: false },
      { kind: 'fail', reasons: ['2 copies fit on no instance (the cluster has no instances)', 'retryOnCapacity is false'], rejections: {}, failures: [] },
    ],
    [
      'all placed, but ECS refused one, after the deadline',
      { decision: { kind: 'start', unplaced: 0, rejections: {} }, failures: [cpu], now: at(1) },
      { kind: 'fail', reasons: ['StartTask on ci-1: RESOURCE:CPU', 'the starting deadline 2026-03-01T02:10:00.000Z has passed'], rejections: {}, failures: [cpu] },
    ],
  ])('%s', (_, change, expected) => {
    expect(nextStep(attempt(change))).toEqual(expected);
  });
});

describe('a cron slot whose attempt threw', () => {
  it('leaves the error to fail the message when no copy started', () => {
    expect(failureAfterError(new Error('throttled'), 0, [cpu])).toBeUndefined();
  });

  it.each<[string, unknown, number, FailedAction[], string[]]>([
    ['one copy started', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 1, [], ['ThrottlingException: Rate exceeded, after 1 copy of the slot started; the missing ones are not retried']],
    [
      'two copies started, one refused before',
      new TypeError('fetch failed'),
      2,
      [cpu],
      ['StartTask on ci-1: RESOURCE:CPU', 'TypeError: fetch failed, after 2 copies of the slot started; the missing ones are not retried'],
    ],
    ['something thrown that is no Error', 'boom', 1, [], ['boom, after 1 copy of the slot started; the missing ones are not retried']],
  ])('reports the copies as a failed run when %s', (_, error, startedNow, failures, reasons) => {
    expect(failureAfterError(error, startedNow, failures)).toEqual({ kind: 'fail', reasons, rejections: {}, failures });
  });
});
