import { describe, expect, it } from 'vitest';
import { retryWait } from '../../../shared/handlers/cron/backoff.js';

const NOW = new Date('2026-03-01T02:00:30Z');
const after = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const FAR = after(3600);

describe('capacity retry backoff: 5 s, doubling, at most 60 s, never past the deadline', () => {
  it.each([
    [1, FAR, 5_000],
    [2, FAR, 10_000],
    [3, FAR, 20_000],
    [4, FAR, 40_000],
    [5, FAR, 60_000],
    [6, FAR, 60_000],
    // However many retries: no overflow past the cap.
    [2_000, FAR, 60_000],
    // Never past the deadline: the last wait ends on it.
    [1, after(3), 3_000],
    [8, after(44), 44_000],
    [4, after(40), 40_000],
    [4, after(39.5), 39_500],
    // The deadline has come or gone: nothing left to wait for.
    [1, NOW, 0],
    [3, after(-2), -2_000],
  ])('retry %i with the deadline at %s waits %i ms', (retry, deadline, expected) => {
    expect(retryWait(retry, NOW, deadline)).toBe(expected);
  });
});
