import { describe, expect, it } from 'vitest';
import { completionBoundSeconds, cronTimeouts, DAEMON_TIMEOUTS } from '../../shared/queues/timeouts.js';

describe('queue timeouts and the completion bound (the README\'s table)', () => {
  it.each([
    ['the default deadline', {}, { functionSeconds: 360, visibilitySeconds: 390, maxReceiveCount: 3 }, 1_140],
    ['a one-hour deadline: the function is capped at 900 s', { startingDeadlineSeconds: 3_600 }, { functionSeconds: 900, visibilitySeconds: 930, maxReceiveCount: 3 }, 2_760],
    ['a 15-minute flexible window and a 60 s deadline', { flexibleWindowMinutes: 15, startingDeadlineSeconds: 60 }, { functionSeconds: 900, visibilitySeconds: 930, maxReceiveCount: 3 }, 2_760],
    ['a 60 s deadline', { startingDeadlineSeconds: 60 }, { functionSeconds: 120, visibilitySeconds: 150, maxReceiveCount: 3 }, 420],
  ])('%s', (_, rule, timeouts, bound) => {
    expect(cronTimeouts(rule)).toEqual(timeouts);
    expect(completionBoundSeconds(cronTimeouts(rule))).toBe(bound);
  });

  it('a daemon rule: 60 s, and six times that for its queue', () => {
    expect(DAEMON_TIMEOUTS).toEqual({ functionSeconds: 60, visibilitySeconds: 360, maxReceiveCount: 3 });
  });
});
