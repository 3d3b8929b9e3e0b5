import { createHash } from 'node:crypto';
import type { QueueMessage } from '../../shared/handlers/context.js';

/** A message as the handlers receive it, and what the queue keeps about it. */
export interface QueuedMessage extends QueueMessage {
  groupId: string;
  /** How many times it has been handed to a consumer. */
  receiveCount: number;
}

export interface FifoQueueOptions {
  /** Receives before a message moves to the dead-letter queue. Default 3. */
  maxReceiveCount?: number;
  /** SQS FIFO deduplicates identical bodies sent within 5 minutes (content-based deduplication). */
  deduplicationWindowMs?: number;
  now?: () => number;
}

/**
 * An SQS FIFO queue as a Lambda event source sees it: messages of one group are handed out in
 * order and one batch at a time (the next batch of a group waits until the last is done), a
 * failed batch, or the failed messages of a partial batch response, come back to the head of
 * their group, and a message received too often moves to the dead-letter queue.
 */
export class FifoQueue {
  readonly deadLetters: QueuedMessage[] = [];
  private readonly groups = new Map<string, QueuedMessage[]>();
  private readonly busyGroups = new Set<string>();
  private readonly recentBodies = new Map<string, number>();
  private sequence = 0;
  private readonly maxReceiveCount: number;
  private readonly deduplicationWindowMs: number;
  private readonly now: () => number;

  constructor(options: FifoQueueOptions = {}) {
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.deduplicationWindowMs = options.deduplicationWindowMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Enqueues a message; returns false when it is a duplicate within the deduplication window. */
  send(body: string, groupId: string): boolean {
    const digest = createHash('sha256').update(body).digest('hex');
    const sentAt = this.recentBodies.get(digest);
    if (sentAt !== undefined && this.now() - sentAt < this.deduplicationWindowMs) return false;
    this.recentBodies.set(digest, this.now());
    this.sequence += 1;
    const queue = this.groups.get(groupId) ?? [];
    queue.push({ messageId: `m-${this.sequence}`, body, groupId, receiveCount: 0 });
    this.groups.set(groupId, queue);
    return true;
  }

  /** Up to `max` messages of the first group that has messages and no batch out. */
  receive(max: number): QueuedMessage[] | undefined {
    for (const [groupId, queue] of this.groups) {
      if (queue.length === 0 || this.busyGroups.has(groupId)) continue;
      const batch = queue.splice(0, max);
      for (const message of batch) message.receiveCount += 1;
      this.busyGroups.add(groupId);
      return batch;
    }
    return undefined;
  }

  /** The batch failed: its messages go back to the head of their group, or to the dead-letter queue. */
  returnToQueue(batch: readonly QueuedMessage[]): void {
    this.complete(batch, new Set(batch.map((message) => message.messageId)));
  }

  /**
   * A partial batch response: the messages named in `failed` go back to the head of their group,
   * in their order and keeping their receive count (or to the dead-letter queue); the rest are deleted.
   */
  complete(batch: readonly QueuedMessage[], failed: ReadonlySet<string>): void {
    this.release(batch);
    const back = batch.filter((message) => failed.has(message.messageId));
    const retry = back.filter((message) => message.receiveCount < this.maxReceiveCount);
    this.deadLetters.push(...back.filter((message) => message.receiveCount >= this.maxReceiveCount));
    if (retry.length === 0) return;
    const groupId = retry[0]!.groupId;
    this.groups.set(groupId, [...retry, ...(this.groups.get(groupId) ?? [])]);
  }

  get depth(): number {
    let count = 0;
    for (const queue of this.groups.values()) count += queue.length;
    return count;
  }

  get inFlight(): number {
    return this.busyGroups.size;
  }

  private release(batch: readonly QueuedMessage[]): void {
    if (batch[0]) this.busyGroups.delete(batch[0].groupId);
  }
}
