import type { Emulator } from '../../emulator/index.js';
import { matchesPattern, type EventPattern } from '../../shared/events/patterns.js';
import { FifoQueue, type FifoQueueOptions, type QueuedMessage } from './fifo-queue.js';

/** What the Lambda's handler does with one batch; a rejection makes the batch come back. */
export type BatchHandler = (messages: readonly QueuedMessage[]) => Promise<unknown>;

export interface EventPipelineOptions extends FifoQueueOptions {
  /** The EventBridge rules in front of the queue: an event goes on only if one matches. */
  patterns: readonly EventPattern[];
  /** The FIFO message group, as the deployed rule target sets it (the cluster). */
  groupId: string;
  handler: BatchHandler;
  /** Lambda's SQS batch size; FIFO allows at most 10. Default 10. */
  batchSize?: number;
}

export interface PipelineStats {
  /** Events that matched a pattern and were sent to the queue (duplicates included). */
  delivered: number;
  /** Sends the queue dropped as duplicates. */
  deduplicated: number;
  /** Events no pattern matched. */
  filtered: number;
  /** Handler invocations, and how many of them failed. */
  batches: number;
  failedBatches: number;
}

/**
 * EventBridge rule → SQS FIFO queue → Lambda, on one machine: the same path the deployed suite
 * gives a daemon rule, for tests, benchmarks and local mode. Events can be held and then let go
 * shuffled and duplicated, as EventBridge may deliver them.
 */
export class EventPipeline {
  readonly queue: FifoQueue;
  readonly stats: PipelineStats = { delivered: 0, deduplicated: 0, filtered: 0, batches: 0, failedBatches: 0 };
  private held: unknown[] | undefined;
  private pumping: Promise<void> | undefined;
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

  /** A message straight into the queue (the sweep schedule's target). */
  send(body: string): void {
    if (this.queue.send(body, this.options.groupId)) this.stats.delivered += 1;
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

  /** Resolves once the queue is empty and no batch is being handled. */
  async drain(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private pump(): void {
    this.pumping ??= this.run().finally(() => {
      this.pumping = undefined;
      if (this.queue.depth > 0) this.pump();
    });
  }

  private async run(): Promise<void> {
    // Let the events of the current turn (a burst) pile up, as they would while Lambda polls.
    await new Promise((resolve) => setImmediate(resolve));
    for (let batch = this.queue.receive(this.options.batchSize ?? 10); batch; batch = this.queue.receive(this.options.batchSize ?? 10)) {
      this.stats.batches += 1;
      try {
        await this.options.handler(batch);
        this.queue.delete(batch);
      } catch {
        this.stats.failedBatches += 1;
        this.queue.returnToQueue(batch);
      }
    }
  }
}
