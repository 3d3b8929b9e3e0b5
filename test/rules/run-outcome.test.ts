import { describe, expect, it } from 'vitest';
import { runOutcome, type CopyState } from '../../shared/rules/cron/run-outcome.js';

const rule = { name: 'nightly' };
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/';

function copy(id: string, state: Partial<CopyState> | undefined): { taskArn: string; state: CopyState | undefined } {
  const taskArn = `${ARN}${id}`;
  if (state === undefined) return { taskArn, state };
  return {
    taskArn,
    state: {
      taskArn,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: new Date('2026-03-01T02:10:00Z'),
      containers: [{ name: 'app', essential: true, exitCode: 0 }],
      ...state,
    },
  };
}

describe('runOutcome', () => {
  it.each([
    ['one copy exited 0', [copy('a', {})], { kind: 'succeeded' }],
    ['a sidecar that is not essential may fail', [copy('a', { containers: [{ name: 'app', essential: true, exitCode: 0 }, { name: 'log', essential: false, exitCode: 137 }] })], { kind: 'succeeded' }],
    ['one copy still running', [copy('a', {}), copy('b', { lastStatus: 'RUNNING' })], { kind: 'running', stopped: 1, of: 2 }],
    [
      'an essential container exited 1',
      [copy('a', {}), copy('b', { containers: [{ name: 'app', essential: true, exitCode: 1, reason: 'OutOfMemoryError: Container killed' }] })],
      { kind: 'failed', reasons: ['task b: EssentialContainerExited: Essential container in task exited; container app exited 1 (OutOfMemoryError: Container killed)'] },
    ],
    [
      'a task that failed to start has no exit code',
      [copy('a', { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', containers: [{ name: 'app', essential: true }] })],
      { kind: 'failed', reasons: ['task a: TaskFailedToStart: CannotPullContainerError: pull access denied; container app never ran'] },
    ],
    ['a copy ECS no longer lists', [copy('a', {}), copy('gone', undefined)], { kind: 'failed', reasons: ['task gone: ECS no longer lists the task, so its exit codes are unknown'] }],
    [
      'stopped by maxRunSeconds is not a failure',
      [copy('a', { stopCode: 'UserInitiated', stoppedReason: 'cron nightly: the run for slot 2026-03-01T02:00:00.000Z ran past maxRunSeconds 60', containers: [{ name: 'app', essential: true, exitCode: 143 }] })],
      { kind: 'stopped', reasons: ['task a: cron nightly: the run for slot 2026-03-01T02:00:00.000Z ran past maxRunSeconds 60'] },
    ],
    [
      'stopped by a person is a failure',
      [copy('a', { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', containers: [{ name: 'app', essential: true, exitCode: 143 }] })],
      { kind: 'failed', reasons: ['task a: UserInitiated: Task stopped by user; container app exited 143'] },
    ],
    [
      'stopped by another rule of the suite is a failure of this one',
      [copy('a', { stopCode: 'UserInitiated', stoppedReason: 'cron other: replaced by the run for slot x (overlap policy Replace)', containers: [{ name: 'app', essential: true, exitCode: 143 }] })],
      { kind: 'failed' },
    ],
    ['spot interruption', [copy('a', { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', containers: [{ name: 'app', essential: true, exitCode: 143 }] })], { kind: 'failed' }],
  ])('%s', (_name, copies, expected) => {
    expect(runOutcome(rule, copies)).toMatchObject(expected);
  });

  it('ends when the last copy stopped', () => {
    const outcome = runOutcome(rule, [copy('a', { stoppedAt: new Date('2026-03-01T02:05:00Z') }), copy('b', { stoppedAt: new Date('2026-03-01T02:07:00Z') })]);
    expect(outcome).toEqual({ kind: 'succeeded', endedAt: new Date('2026-03-01T02:07:00Z') });
  });
});

describe('attempt keys', () => {
  it('keeps the slot key for the first attempt and adds the attempt after it, within ECS\'s 36 characters', async () => {
    const { attemptOfKey, cronAttemptKey, cronSlotKey, slotOfKey } = await import('../../shared/rules/cron/rule.js');
    const rule = { name: 'a'.repeat(21) };
    const slot = new Date('2026-03-01T02:00:00Z');
    expect(cronAttemptKey(rule, slot, 1)).toBe(cronSlotKey(rule, slot));
    const eleventh = cronAttemptKey(rule, slot, 11);
    expect(eleventh).toBe(`${cronSlotKey(rule, slot)}/b`);
    expect(eleventh.length).toBeLessThanOrEqual(36);
    expect(slotOfKey(rule, eleventh)).toEqual(slot);
    expect(attemptOfKey(rule, eleventh)).toBe(11);
    expect(attemptOfKey(rule, cronSlotKey(rule, slot))).toBe(1);
    expect(attemptOfKey({ name: 'other' }, eleventh)).toBeUndefined();
  });
});

describe('nextRetryAt', () => {
  const failedAt = new Date('2026-03-01T02:10:00Z');
  it.each([
    [{}, 1, undefined],
    [{ retries: 2 }, 1, 60],
    [{ retries: 2 }, 2, 120],
    [{ retries: 2 }, 3, undefined],
    [{ retries: 10, retryDelaySeconds: 300 }, 3, 900],
    [{ retries: 10, retryDelaySeconds: 300 }, 2, 600],
  ])('rule %o after attempt %i fails: retry after %s s', async (rule, failed, seconds) => {
    const { nextRetryAt } = await import('../../shared/rules/cron/retry.js');
    const at = nextRetryAt(rule, failed, failedAt);
    expect(at === undefined ? undefined : (at.getTime() - failedAt.getTime()) / 1000).toBe(seconds);
  });
});
