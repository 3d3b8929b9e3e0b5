import { createHash } from 'node:crypto';
import type { QueueMessage } from '../../shared/handlers/context.js';

/** A message as the handlers receive it, and what the queue keeps about it. */
export interface QueuedMessage extends QueueMessage {
  groupId: string;
  /** How many times it has been handed to a consumer. */
  receiveCount: number;
}

/** What the queue keeps of a message between receives. */
interface Stored extends QueuedMessage {
  /** Until when it stays invisible after its last receive (epoch ms); 0 before the first. */
  visibleAt: number;
  /** Which receive is current: a consumer whose receive is not may no longer delete it. */
  receipt: number;
  /** Handed out and not answered yet. Without a visibility timeout it stays out until answered. */
  out: boolean;
}

/** A message as handed out: it remembers which receive it came from. */
type Received = QueuedMessage & { receipt?: number };

export interface FifoQueueOptions {
  /** Receives before a message moves to the dead-letter queue. Default 3. */
  maxReceiveCount?: number;
  /** SQS FIFO deduplicates identical bodies sent within 5 minutes (content-based deduplication). */
  deduplicationWindowMs?: number;
  /**
   * How long a received message stays invisible, per message group: a message whose batch failed,
   * or whose consumer died, comes back only then, and one whose consumer is still busy then is
   * handed out a second time. Take it from the stack's numbers (shared/queues/timeouts.ts).
   * Default 0: a failed message comes back at once.
   */
  visibilityTimeoutMs?: number | ((groupId: string) => number);
  /**
   * A batch may take the heads of several message groups, as Lambda's poller fills a batch from
   * a FIFO queue (a cron cluster's queue, a group per rule). Default false: one group per batch.
   */
  mixGroups?: boolean;
  now?: () => number;
}

/**
 * An SQS FIFO queue as a Lambda event source sees it: messages of one group are handed out in
 * order and one batch at a time (the next batch of a group waits while one is out), a received
 * message stays invisible for the visibility timeout, on the queue's clock: a failed batch, the
 * failed messages of a partial batch response, and the messages of a consumer that never answers
 * come back to the head of their group once it ends; a batch still out when it ends is handed out
 * again (two invocations of one message), and the first consumer's answer then no longer counts.
 * A message received too often moves to the dead-letter queue.
 */
export class FifoQueue {
  readonly deadLetters: QueuedMessage[] = [];
  private readonly groups = new Map<string, Stored[]>();
  private readonly recentBodies = new Map<string, number>();
  private sequence = 0;
  private readonly maxReceiveCount: number;
  private readonly deduplicationWindowMs: number;
  private readonly visibilityTimeoutMs: (groupId: string) => number;
  private readonly now: () => number;
  private readonly mixGroups: boolean;

  constructor(options: FifoQueueOptions = {}) {
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.deduplicationWindowMs = options.deduplicationWindowMs ?? 5 * 60_000;
    const visibility = options.visibilityTimeoutMs ?? 0;
    this.visibilityTimeoutMs = typeof visibility === 'number' ? () => visibility : visibility;
    this.now = options.now ?? Date.now;
    this.mixGroups = options.mixGroups ?? false;
  }

  /** Enqueues a message; returns false when it is a duplicate within the deduplication window. */
  send(body: string, groupId: string): boolean {
    const digest = createHash('sha256').update(body).digest('hex');
    const sentAt = this.recentBodies.get(digest);
    if (sentAt !== undefined && this.now() - sentAt < this.deduplicationWindowMs) return false;
    this.recentBodies.set(digest, this.now());
    this.sequence += 1;
    const queue = this.groups.get(groupId) ?? [];
    queue.push({ messageId: `m-${this.sequence}`, body, groupId, receiveCount: 0, visibleAt: 0, receipt: 0, out: false });
    this.groups.set(groupId, queue);
    return true;
  }

  /**
   * Up to `max` visible messages from the head of the first group whose head is visible (FIFO: a
   * group waits behind its invisible head), and with `mixGroups` from the next such groups while
   * the batch has room. A message already received maxReceiveCount times moves to the dead-letter
   * queue instead.
   */
  receive(max: number): QueuedMessage[] | undefined {
    const batch: Received[] = [];
    for (const [groupId, queue] of this.groups) {
      while (queue[0] && this.isVisible(queue[0]) && queue[0].receiveCount >= this.maxReceiveCount) this.deadLetters.push(strip(queue.shift()!));
      const taken = batch.length;
      for (const message of queue) {
        if (batch.length === max || !this.isVisible(message) || message.receiveCount >= this.maxReceiveCount) break;
        message.receiveCount += 1;
        message.receipt += 1;
        message.out = true;
        message.visibleAt = this.now() + this.visibilityTimeoutMs(groupId);
        batch.push({ ...strip(message), receipt: message.receipt });
      }
      if (batch.length > taken && (!this.mixGroups || batch.length === max)) break;
    }
    return batch.length > 0 ? batch : undefined;
  }

  /** The batch failed: its messages come back once their visibility timeout ends, or go to the dead-letter queue. */
  returnToQueue(batch: readonly QueuedMessage[]): void {
    this.complete(batch, new Set(batch.map((message) => message.messageId)));
  }

  /**
   * A partial batch response: the messages named in `failed` stay, invisible until their
   * visibility timeout ends (or go to the dead-letter queue after their last receive); the rest
   * are deleted. An answer from a receive that is no longer current changes nothing.
   */
  complete(batch: readonly QueuedMessage[], failed: ReadonlySet<string>): void {
    for (const handed of batch as readonly Received[]) {
      const queue = this.groups.get(handed.groupId) ?? [];
      const index = queue.findIndex((message) => message.messageId === handed.messageId);
      const stored = queue[index];
      if (!stored || (handed.receipt !== undefined && stored.receipt !== handed.receipt)) continue;
      stored.out = false;
      if (!failed.has(handed.messageId)) queue.splice(index, 1);
      else if (stored.receiveCount >= this.maxReceiveCount) this.deadLetters.push(strip(queue.splice(index, 1)[0]!));
    }
  }

  /**
   * Deletes messages of a batch still out, before its answer, as a consumer does with
   * DeleteMessageBatch: the next messages of their group can then be received. A message whose
   * receive is no longer current stays; the batch's answer later skips the ones gone.
   */
  delete(batch: readonly QueuedMessage[], messageIds: ReadonlySet<string>): void {
    this.complete(
      batch.filter((message) => messageIds.has(message.messageId)),
      new Set(),
    );
  }

  /** Messages not yet deleted, visible or not. */
  get depth(): number {
    let count = 0;
    for (const queue of this.groups.values()) count += queue.length;
    return count;
  }

  /** Groups whose head is handed out and not answered (nor come back after its visibility timeout). */
  get inFlight(): number {
    let count = 0;
    for (const queue of this.groups.values()) if (queue[0]?.out && !this.isVisible(queue[0])) count += 1;
    return count;
  }

  /** Whether a batch could be received now. */
  get ready(): boolean {
    for (const queue of this.groups.values()) if (queue[0] && this.isVisible(queue[0])) return true;
    return false;
  }

  /**
   * When the next message waiting out its visibility timeout comes back (epoch ms), if one does:
   * whoever owns the clock moves it there to see the redelivery.
   */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const queue of this.groups.values()) {
      const head = queue[0];
      if (head && !this.isVisible(head) && (!head.out || this.visibilityTimeoutMs(head.groupId) > 0)) next = Math.min(next ?? Infinity, head.visibleAt);
    }
    return next;
  }

  /** Receivable now: never received, or its visibility timeout is over (and, without one, its consumer answered). */
  private isVisible(message: Stored): boolean {
    if (message.out && this.visibilityTimeoutMs(message.groupId) === 0) return false;
    return message.visibleAt <= this.now();
  }
}

function strip(message: Stored | Received): QueuedMessage {
  return { messageId: message.messageId, body: message.body, groupId: message.groupId, receiveCount: message.receiveCount };
}
