import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ResultEvent } from './result-events.js';
import { EVENT_SOURCE } from './vocabulary.js';

/** Where results go: EventBridge in AWS, a list in tests and local mode. */
export interface EventPublisher {
  publish(events: readonly ResultEvent[]): Promise<void>;
}

/** PutEvents takes at most 10 entries per call. */
const PUT_BATCH = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  /**
   * Throws when an entry is refused: a result nobody can see is a result lost, and the caller
   * decides whether that fails the invocation.
   */
  async publish(events: readonly ResultEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += PUT_BATCH) {
      const entries: PutEventsRequestEntry[] = events.slice(start, start + PUT_BATCH).map((event) => ({
        EventBusName: this.eventBusName,
        Source: EVENT_SOURCE,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
        Resources: event.resources,
      }));
      const answer = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if (answer.FailedEntryCount) {
        const first = answer.Entries?.find((e) => e.ErrorCode);
        throw new Error(`EventBridge refused ${answer.FailedEntryCount} result event(s): ${first?.ErrorCode}: ${first?.ErrorMessage}`);
      }
    }
  }
}

/** Keeps events in memory: tests read them, local mode prints them. */
export class MemoryPublisher implements EventPublisher {
  readonly events: ResultEvent[] = [];

  publish(events: readonly ResultEvent[]): Promise<void> {
    this.events.push(...events);
    return Promise.resolve();
  }
}
