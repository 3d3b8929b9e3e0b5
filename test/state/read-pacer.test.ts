import { describe, expect, it } from 'vitest';
import { ReadPacer } from '../../shared/state/read-pacer.js';

describe('ReadPacer', () => {
  it('runs calls in the order they asked, past the burst', async () => {
    const pacer = new ReadPacer({ burst: 2, perSecond: 1000, concurrency: 10 });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => pacer.run(async () => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });

  it('a call aborted while it waits leaves the queue without spending a token', async () => {
    // One token, refilling so slowly the test never sees a second: only one call may ever run.
    const pacer = new ReadPacer({ burst: 1, perSecond: 0.001, concurrency: 10 });
    const controller = new AbortController();
    let ran = 0;
    const first = pacer.run(async () => (ran += 1));
    const waiting = pacer.run(async () => (ran += 1), controller.signal);
    controller.abort(new Error('load failed'));
    await expect(waiting).rejects.toThrow('load failed');
    await first;
    expect(ran).toBe(1);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const pacer = new ReadPacer();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let ran = false;
    await expect(pacer.run(async () => (ran = true), controller.signal)).rejects.toThrow('gone');
    expect(ran).toBe(false);
  });
});
