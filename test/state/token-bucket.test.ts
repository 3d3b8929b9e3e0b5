import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../shared/state/token-bucket.js';

describe('TokenBucket', () => {
  it('gives its capacity at once, then refills at its rate, never past its capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 20, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.msUntilToken()).toBe(50);
    now = 25;
    expect(bucket.take()).toBe(false);
    expect(bucket.msUntilToken()).toBe(25);
    now = 50;
    expect(bucket.msUntilToken()).toBe(0);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
