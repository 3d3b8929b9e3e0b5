import { MemoryPublisher } from '../shared/report/publisher.js';
import type { ResultEvent } from '../shared/report/result-events.js';

/** Keeps every result event, and hands each to a listener as it is published (the live view). */
export class LivePublisher extends MemoryPublisher {
  constructor(private readonly onEvent: (event: ResultEvent) => void) {
    super();
  }

  override async publish(events: readonly ResultEvent[]): Promise<void> {
    await super.publish(events);
    for (const event of events) this.onEvent(event);
  }
}
