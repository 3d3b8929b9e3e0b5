import { describe, expect, it } from 'vitest';
import { EventPipeline } from '../../local/pipeline/event-pipeline.js';
import type { QueuedMessage } from '../../local/pipeline/fifo-queue.js';

/** What each handler call received: [body, receiveCount] per message. */
type Received = Array<Array<[string, number]>>;

function pipeline(answer: (batch: readonly QueuedMessage[], call: number) => unknown, options: { batchSize?: number; concurrency?: number } = {}) {
  const received: Received = [];
  const events = new EventPipeline({
    patterns: [],
    deduplicationWindowMs: 0,
    maxReceiveCount: 3,
    ...options,
    handler: async (batch) => {
      received.push(batch.map((m) => [m.body, m.receiveCount]));
      await new Promise((resolve) => setImmediate(resolve));
      return answer(batch, received.length);
    },
  });
  return { events, received };
}

describe('local event pipeline: SQS partial batch responses', () => {
  it('deletes the messages not named, and returns the named ones to the head of their group, in order, with their receive count', async () => {
    const { events, received } = pipeline((batch, call) => (call === 1 ? { batchItemFailures: batch.slice(1).map((m) => ({ itemIdentifier: m.messageId })) } : { batchItemFailures: [] }));
    for (const body of ['a', 'b', 'c']) events.send(body, 'rule-1');
    await events.drain();
    expect(received).toEqual([
      [['a', 1], ['b', 1], ['c', 1]],
      [['b', 2], ['c', 2]],
    ]);
    expect(events.queue.depth).toBe(0);
    expect(events.stats).toMatchObject({ batches: 2, failedBatches: 1, failedMessages: 2 });
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount', async () => {
    const { events, received } = pipeline((batch) => ({ batchItemFailures: batch.filter((m) => m.body === 'bad').map((m) => ({ itemIdentifier: m.messageId })) }), { batchSize: 1 });
    for (const body of ['bad', 'good']) events.send(body, 'rule-1');
    await events.drain();
    expect(received).toEqual([[['bad', 1]], [['bad', 2]], [['bad', 3]], [['good', 1]]]);
    expect(events.queue.deadLetters.map((m) => [m.body, m.receiveCount])).toEqual([['bad', 3]]);
  });

  it('fails the whole batch when an item identifier names no message of it, as Lambda does', async () => {
    const { events, received } = pipeline((_batch, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nonsense' }] } : undefined));
    events.send('a', 'rule-1');
    events.send('b', 'rule-1');
    await events.drain();
    expect(received).toEqual([
      [['a', 1], ['b', 1]],
      [['a', 2], ['b', 2]],
    ]);
  });

  it('a thrown error returns the whole batch; any other answer deletes it', async () => {
    const { events, received } = pipeline((_batch, call) => {
      if (call === 1) throw new Error('boom');
      return { handled: true };
    });
    events.send('a', 'rule-1');
    await events.drain();
    expect(received).toEqual([[['a', 1]], [['a', 2]]]);
    expect(events.queue.depth).toBe(0);
  });

  it('handles different groups at once, never two batches of one group', async () => {
    let inFlight = 0;
    let most = 0;
    const perGroup = new Map<string, number>();
    let mostInOneGroup = 0;
    const events = new EventPipeline({
      patterns: [],
      deduplicationWindowMs: 0,
      batchSize: 1,
      handler: async (batch) => {
        const group = batch[0]!.groupId;
        inFlight += 1;
        perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
        most = Math.max(most, inFlight);
        mostInOneGroup = Math.max(mostInOneGroup, perGroup.get(group)!);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        perGroup.set(group, perGroup.get(group)! - 1);
      },
    });
    for (let i = 0; i < 4; i += 1) for (const group of ['a', 'b', 'c']) events.send(`${group}${i}`, group);
    await events.drain();
    expect(events.stats.batches).toBe(12);
    expect(most).toBe(3);
    expect(mostInOneGroup).toBe(1);
  });

  it('with concurrency 1, one batch at a time across all groups', async () => {
    let inFlight = 0;
    let most = 0;
    const events = new EventPipeline({
      patterns: [],
      batchSize: 1,
      concurrency: 1,
      handler: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
    });
    for (const group of ['a', 'b', 'c']) events.send(group, group);
    await events.drain();
    expect(events.stats.batches).toBe(3);
    expect(most).toBe(1);
  });
});

describe('the FIFO queue\'s visibility timeout, on the injected clock', () => {
  it('a failed message comes back only when its visibility timeout ends, and holds its group up meanwhile', async () => {
    let clock = 1_000_000;
    const received: Array<[string, number, number]> = [];
    const events = new EventPipeline({
      patterns: [],
      batchSize: 1,
      visibilityTimeoutMs: 390_000,
      now: () => clock,
      handler: async (batch) => {
        received.push([batch[0]!.body, batch[0]!.receiveCount, clock]);
        if (batch[0]!.body === 'slot' && batch[0]!.receiveCount === 1) throw new Error('crashed');
      },
    });
    events.send('slot', 'rule');
    events.send('next', 'rule');
    await events.drain();
    expect(received).toEqual([['slot', 1, 1_000_000]]);
    expect(events.queue.nextVisibleAt()).toBe(1_390_000);

    clock = 1_389_999;
    await events.drain();
    expect(received).toHaveLength(1);
    clock = 1_390_000;
    await events.drain();
    expect(received).toEqual([['slot', 1, 1_000_000], ['slot', 2, 1_390_000], ['next', 1, 1_390_000]]);
    expect(events.queue.depth).toBe(0);
  });

  it('a batch still out when its visibility timeout ends is handed out again, and the late answer of the first no longer counts', async () => {
    let clock = 0;
    let releaseFirst: () => void = () => undefined;
    const bodies: number[] = [];
    const events = new EventPipeline({
      patterns: [],
      visibilityTimeoutMs: 60_000,
      now: () => clock,
      handler: async (batch) => {
        if (batch[0]!.body !== 'slot') return;
        bodies.push(batch[0]!.receiveCount);
        // The first invocation outlives the visibility timeout; the second fails.
        if (batch[0]!.receiveCount === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
        else throw new Error('second invocation failed');
      },
    });
    events.send('slot', 'rule');
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodies).toEqual([1]);
    clock = 60_000;
    expect(events.queue.ready).toBe(true);
    events.send('nudge', 'other');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodies).toEqual([1, 2]);
    // The first one now answers success: its receive is stale, so the message is not deleted.
    releaseFirst();
    await events.drain();
    expect(events.queue.depth).toBe(1);
    expect(events.queue.nextVisibleAt()).toBe(120_000);
  });

  it('after its last receive, a message that keeps failing moves to the dead-letter queue', async () => {
    let clock = 0;
    const events = new EventPipeline({ patterns: [], visibilityTimeoutMs: 1_000, maxReceiveCount: 2, now: () => clock, handler: () => Promise.reject(new Error('always')) });
    events.send('doomed', 'rule');
    await events.drain();
    clock += 1_000;
    await events.drain();
    expect(events.queue.deadLetters.map((m) => [m.body, m.receiveCount])).toEqual([['doomed', 2]]);
    expect(events.queue.depth).toBe(0);
  });
});
