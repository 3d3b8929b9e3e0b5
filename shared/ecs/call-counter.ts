import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * Counts the HTTP requests an ECS client sends, per operation, retries included: ECS's
 * throttling buckets count requests, so that is the number that matters for the account.
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  private throttled = 0;

  /** Attaches the counter to a client; every request it sends from now on is counted. */
  attach(client: ECSClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = context.commandName?.replace(/Command$/, '') ?? 'Unknown';
        this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
        try {
          return await next(args);
        } catch (error) {
          if ((error as Error).name === 'ThrottlingException') this.throttled += 1;
          throw error;
        }
      },
      // The deserialize step runs once per attempt, inside the SDK's retry loop; high priority
      // puts it outside the deserializer, where ECS's answers have become exceptions.
      { step: 'deserialize', priority: 'high', name: 'callCounter', override: true },
    );
    return this;
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
}
