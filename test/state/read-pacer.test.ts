import { describe, expect, it } from 'vitest';
import { ReadPacer, type PacerClock } from '../../shared/state/read-pacer.js';

/** Simulated time: it moves only when the test says, straight to the next wake-up. */
class SimulatedClock implements PacerClock {
  private time = 0;
  private wakes: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  after(ms: number, wake: () => void): () => void {
    const entry = { at: this.time + ms, wake };
    this.wakes.push(entry);
    return () => {
      this.wakes = this.wakes.filter((other) => other !== entry);
    };
  }

  /** Runs the pacer until nothing waits: each call it admits runs before time moves on. */
  async runUntilIdle(): Promise<void> {
    await settled();
    while (this.wakes.length > 0) {
      this.wakes.sort((a, b) => a.at - b.at);
      const next = this.wakes.shift()!;
      this.time = next.at;
      next.wake();
      await settled();
    }
  }
}

/** Lets every promise already resolved run its callbacks. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts `count` calls at once; resolves with the simulated time at which each one ran. */
async function startTimes(pacer: ReadPacer, clock: SimulatedClock, count: number): Promise<number[]> {
  const calls = Array.from({ length: count }, () => pacer.run(async () => clock.now()));
  await clock.runUntilIdle();
  return Promise.all(calls);
}

describe('ReadPacer', () => {
  it('spends the burst at once, then one call per token as it drips in', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReadPacer({ burst: 5, perSecond: 20, concurrency: 100, clock });
    const times = await startTimes(pacer, clock, 25);
    expect(times).toEqual([0, 0, 0, 0, 0, ...Array.from({ length: 20 }, (_, i) => (i + 1) * 50)]);
  });

  it('at its defaults, never outpaces ECS\'s read bucket (100 burst, 20/s) and keeps close to 19/s', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReadPacer({ concurrency: 1000, clock });
    const times = await startTimes(pacer, clock, 290);
    // The nth call needs n tokens: 100 at the start, 20 more each second at ECS's refill.
    times.forEach((time, index) => expect(index + 1).toBeLessThanOrEqual(100 + (20 * time) / 1000));
    expect(times.slice(0, 100).every((time) => time === 0)).toBe(true);
    // 190 calls past the burst at 19/s: ten seconds, plus at most 1 ms per wait of rounding up.
    expect(times.at(-1)).toBeGreaterThanOrEqual(10_000);
    expect(times.at(-1)).toBeLessThanOrEqual(10_000 + 190);
  });

  it('keeps at most `concurrency` calls in flight, however many tokens there are', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReadPacer({ burst: 100, perSecond: 1, concurrency: 2, clock });
    const release: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const calls = Array.from({ length: 5 }, () =>
      pacer.run(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight -= 1;
      }),
    );
    for (let finished = 0; finished < 5; finished += 1) {
      await clock.runUntilIdle();
      expect(inFlight).toBe(Math.min(2, 5 - finished));
      release.shift()!();
    }
    await Promise.all(calls);
    expect(most).toBe(2);
    expect(clock.now()).toBe(0);
  });

  it('runs calls in the order they asked, past the burst', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReadPacer({ burst: 2, perSecond: 1000, concurrency: 10, clock });
    const order: number[] = [];
    const calls = [1, 2, 3].map((n) => pacer.run(async () => order.push(n)));
    await clock.runUntilIdle();
    await Promise.all(calls);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a call aborted while it waits leaves the queue without spending a token, and cancels the wake-up', async () => {
    const clock = new SimulatedClock();
    const pacer = new ReadPacer({ burst: 1, perSecond: 1, concurrency: 10, clock });
    const controller = new AbortController();
    let ran = 0;
    const first = pacer.run(async () => (ran += 1));
    const waiting = pacer.run(async () => (ran += 1), controller.signal);
    controller.abort(new Error('load failed'));
    await expect(waiting).rejects.toThrow('load failed');
    await first;
    await clock.runUntilIdle();
    expect(ran).toBe(1);
    // Nothing was left to wake: time never had to move.
    expect(clock.now()).toBe(0);
    // The next call gets the first token to drip in: the abandoned call holds no place before it.
    const next = pacer.run(async () => clock.now());
    await clock.runUntilIdle();
    expect(await next).toBe(1000);
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
