import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * Counts the HTTP requests an ECS client sends, per operation, retries included: ECS's
 * throttling buckets count requests, so that is the number that matters for the account.
 */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  /** Attaches the counter to a client; every request it sends from now on is counted. */
  attach(client: ECSClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = context.commandName?.replace(/Command$/, '') ?? 'Unknown';
        this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
        return next(args);
      },
      // The deserialize step runs once per attempt, inside the SDK's retry loop.
      { step: 'deserialize', name: 'callCounter', override: true },
    );
    return this;
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
