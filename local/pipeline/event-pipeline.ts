import type { Emulator } from '../../emulator/index.js';
import { matchesPattern, type EventPattern } from '../../shared/events/patterns.js';
import { FifoQueue, type FifoQueueOptions, type QueuedMessage } from './fifo-queue.js';

/**
 * What the Lambda's handler does with one batch. A rejection makes the whole batch come back; an
 * SQS partial batch response (`{ batchItemFailures: [{ itemIdentifier }] }`) makes the messages it
 * names come back and the rest are deleted; any other answer means the batch was handled.
 * `deleteEarly` deletes messages of the batch before it is answered, as DeleteMessageBatch does.
 */
export type BatchHandler = (messages: readonly QueuedMessage[], deleteEarly: (messageIds: readonly string[]) => Promise<void>) => Promise<unknown>;

export interface EventPipelineOptions extends FifoQueueOptions {
  /** The EventBridge rules in front of the queue: an event goes on only if one matches. */
  patterns: readonly EventPattern[];
  /**
   * The FIFO message group of delivered events and of `send` without a group, as the deployed
   * rule target sets it (a daemon's cluster). A queue fed only by `send(body, group)` needs none.
   */
  groupId?: string;
  handler: BatchHandler;
  /** Lambda's SQS batch size; FIFO allows at most 10. Default 10. */
  batchSize?: number;
  /**
   * Batches handled at once, each of a different message group, as Lambda scales out over the
   * groups of a FIFO queue (never two batches of one group). Default: no limit.
   */
  concurrency?: number;
}

export interface PipelineStats {
  /** Events that matched a pattern and were sent to the queue (duplicates included). */
  delivered: number;
  /** Sends the queue dropped as duplicates. */
  deduplicated: number;
  /** Events no pattern matched. */
  filtered: number;
  /** Handler invocations, and how many of them failed in whole or in part. */
  batches: number;
  failedBatches: number;
  /** Messages handed back to the queue by a failed batch or a partial batch response. */
  failedMessages: number;
}

/**
 * EventBridge rule → SQS FIFO queue → Lambda, on one machine: the same path the deployed suite
 * gives a daemon rule (events, group = cluster) and a cron rule (EventBridge Scheduler's messages
 * through `send`, group = rule), for tests, benchmarks and local mode. Events can be held and
 * then let go shuffled and duplicated, as EventBridge may deliver them.
 */
export class EventPipeline {
  readonly queue: FifoQueue;
  readonly stats: PipelineStats = { delivered: 0, deduplicated: 0, filtered: 0, batches: 0, failedBatches: 0, failedMessages: 0 };
  private held: unknown[] | undefined;
  /** Batches being handled. */
  private readonly active = new Set<Promise<void>>();
  /** A pump is due on the next turn of the event loop. */
  private scheduled = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EventPipelineOptions) {
    this.queue = new FifoQueue(options);
  }

  /** Feeds every event the emulator publishes into the pipeline. */
  connect(emulator: Emulator): this {
    this.unsubscribe = emulator.onEvent((event) => this.deliver(event));
    return this;
  }

  disconnect(): void {
    this.unsubscribe?.();
  }

  /** One event, as EventBridge hands it to the rules. */
  deliver(event: unknown): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    if (!this.options.patterns.some((pattern) => matchesPattern(pattern, event))) {
      this.stats.filtered += 1;
      return;
    }
    this.send(JSON.stringify(event));
  }

  /** A message straight into the queue (a schedule's target), in `groupId` or the pipeline's group. */
  send(body: string, groupId = this.options.groupId): void {
    if (groupId === undefined) throw new Error('EventPipeline.send: no message group (pass one, or set groupId)');
    if (this.queue.send(body, groupId)) this.stats.delivered += 1;
    else this.stats.deduplicated += 1;
    this.pump();
  }

  /** Holds events back until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Lets held events go, in an order `shuffle` chooses, each repeated when `duplicate` says so. */
  release(options: { shuffle?: (events: unknown[]) => unknown[]; duplicate?: (event: unknown) => boolean } = {}): number {
    const events = this.held ?? [];
    this.held = undefined;
    const ordered = options.shuffle ? options.shuffle(events) : events;
    for (const event of ordered) {
      this.deliver(event);
      if (options.duplicate?.(event)) this.deliver(event);
    }
    return events.length;
  }

  /** Whether a batch is being handled. */
  get busy(): boolean {
    return this.active.size > 0;
  }

  /**
   * Resolves once no message can be received now and no batch is being handled. Messages that
   * wait out their visibility timeout stay: they come back once the clock reaches it
   * (queue.nextVisibleAt), and the next drain hands them out.
   */
  async drain(): Promise<void> {
    if (this.queue.ready) this.pump();
    while (this.scheduled || this.active.size > 0) {
      if (this.active.size > 0) await Promise.race(this.active);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Let the events of the current turn (a burst) pile up, as they would while Lambda polls.
    setImmediate(() => {
      this.scheduled = false;
      this.fill();
    });
  }

  /** Starts a batch for every group that has messages and none out, up to the concurrency. */
  private fill(): void {
    const limit = this.options.concurrency ?? Infinity;
    while (this.active.size < limit) {
      const batch = this.queue.receive(this.options.batchSize ?? 10);
      if (!batch) return;
      const handling: Promise<void> = this.handle(batch).finally(() => {
        this.active.delete(handling);
        this.fill();
      });
      this.active.add(handling);
    }
  }

  private async handle(batch: QueuedMessage[]): Promise<void> {
    this.stats.batches += 1;
    let failed: ReadonlySet<string>;
    try {
      failed = failedItems(batch, await this.options.handler(batch, async (messageIds) => this.deleteEarly(batch, messageIds)));
    } catch {
      failed = new Set(batch.map((message) => message.messageId));
    }
    if (failed.size > 0) {
      this.stats.failedBatches += 1;
      this.stats.failedMessages += failed.size;
    }
    this.queue.complete(batch, failed);
  }

  /** Messages deleted before their batch is answered: their groups' next messages may be received at once. */
  private deleteEarly(batch: readonly QueuedMessage[], messageIds: readonly string[]): void {
    this.queue.delete(batch, new Set(messageIds));
    this.pump();
  }
}

/**
 * The messages a handler's answer reports failed, read as Lambda reads it: no
 * batchItemFailures, or an empty list, is success; an entry naming no message of the batch fails
 * the whole batch.
 */
function failedItems(batch: readonly QueuedMessage[], answer: unknown): ReadonlySet<string> {
  const failures = (answer as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const ids = new Set(batch.map((message) => message.messageId));
  const named = failures.map((failure) => (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier);
  if (named.some((id) => typeof id !== 'string' || !ids.has(id))) return ids;
  return new Set(named as string[]);
}
