import { AsyncLocalStorage } from 'node:async_hooks';
import type { ECSClient } from '@aws-sdk/client-ecs';

/** The counter of the work running now, where work was given one (CallCounter.count). */
const working = new AsyncLocalStorage<CallCounter>();
/** Each client's counter for requests outside any counted work (CallCounter.attach). */
const attached = new WeakMap<ECSClient, CallCounter>();
const watched = new WeakSet<ECSClient>();

/**
 * Counts the HTTP requests an ECS client sends, per operation, retries included: ECS's
 * throttling buckets count requests, so that is the number that matters for the account.
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  private throttled = 0;

  /** Counts every request the client sends from now on, except those of work another counter counts. */
  attach(client: ECSClient): this {
    watch(client);
    attached.set(client, this);
    return this;
  }

  /**
   * Counts the requests `client` sends for `work` (its async continuations included), and only
   * those: the slots of a cron runner's batch share one client at once, and each slot's counter
   * must get its own requests, not its neighbours'.
   */
  async count<T>(client: ECSClient, work: () => Promise<T>): Promise<T> {
    watch(client);
    return working.run(this, work);
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Attempts ECS refused with ThrottlingException (the SDK retried them). */
  throttles(): number {
    return this.throttled;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** One request sent (the middleware's). */
  noteRequest(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  /** One request refused (the middleware's): throttles are counted. */
  noteRefusal(error: unknown): void {
    if ((error as Error).name === 'ThrottlingException') this.throttled += 1;
  }
}

/** One middleware per client, which hands each request to the counter of the work that sent it. */
function watch(client: ECSClient): void {
  if (watched.has(client)) return;
  watched.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const counter = working.getStore() ?? attached.get(client);
      counter?.noteRequest(context.commandName?.replace(/Command$/, '') ?? 'Unknown');
      try {
        return await next(args);
      } catch (error) {
        counter?.noteRefusal(error);
        throw error;
      }
    },
    // The deserialize step runs once per attempt, inside the SDK's retry loop; high priority
    // puts it outside the deserializer, where ECS's answers have become exceptions.
    { step: 'deserialize', priority: 'high', name: 'callCounter' },
  );
}
