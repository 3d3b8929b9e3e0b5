import type { DeferredWork } from './deferred-work.js';
import type { EcsEvent } from './event-types.js';

export type EventListener = (event: EcsEvent) => void;

/**
 * Delivers ECS events to subscribers, asynchronously as EventBridge does, in the order the
 * changes happened. An event is built only when someone listens, so bulk loads stay cheap.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private mutedDepth = 0;

  constructor(private readonly deliveries: DeferredWork) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `build` runs now, so the event carries the state (and version) of this moment. */
  publish(build: () => EcsEvent): void {
    if (this.mutedDepth > 0 || this.listeners.size === 0) return;
    const event = build();
    this.deliveries.later(() => {
      for (const listener of [...this.listeners]) listener(event);
    });
  }

  /** Runs `change` without publishing, for bulk loads that should not flood subscribers. */
  muted<T>(change: () => T): T {
    this.mutedDepth++;
    try {
      return change();
    } finally {
      this.mutedDepth--;
    }
  }
}
