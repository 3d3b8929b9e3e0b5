import type { ECSClient } from '@aws-sdk/client-ecs';

/**
 * StartTask has no client token: a retried request that had in fact succeeded starts a second
 * task. RunTask is guarded too unless the caller gave its own clientToken: the token is what makes
 * a retry answer the first call's tasks, and only a token the caller derived from the slot also
 * holds across invocations.
 */
const NOT_IDEMPOTENT = new Set(['StartTaskCommand', 'RunTaskCommand']);

/**
 * A start whose answer was lost (5xx, timeout, dropped connection) may or may not have started
 * the task. It is never retried blindly; the caller re-reads the cluster before trying again.
 */
export class StartOutcomeUnknownError extends Error {
  override readonly name = 'StartOutcomeUnknownError';
  /**
   * The failure ECS's answer was lost to. Deliberately not `cause`: the SDK looks through
   * `cause` for transient errors and would retry after all.
   */
  readonly lostTo: unknown;
  constructor(lostTo: unknown) {
    const described = lostTo instanceof Error ? `${lostTo.name}: ${lostTo.message}` : String(lostTo);
    super(`ECS may or may not have started the task (${described}); not retried, as StartTask is not idempotent`);
    this.lostTo = lostTo;
  }
}

/**
 * Makes the SDK retry StartTask and RunTask only when ECS certainly refused them (throttling).
 * The middleware sits in the deserialize step, inside the SDK's retry loop: turning an ambiguous
 * failure into StartOutcomeUnknownError, which the SDK classifies as not retryable, stops the
 * loop there. Attaching twice is harmless.
 */
export function guardStarts(client: ECSClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!NOT_IDEMPOTENT.has(context.commandName ?? '')) return next(args);
      if (context.commandName === 'RunTaskCommand' && (args.input as { clientToken?: string }).clientToken !== undefined) return next(args);
      try {
        return await next(args);
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const refused = status !== undefined && status >= 400 && status < 500;
        if (refused || (error as Error).name === 'AbortError') throw error;
        throw new StartOutcomeUnknownError(error);
      }
    },
    // High priority puts it outside the deserializer, where ECS's answers have become exceptions.
    { step: 'deserialize', priority: 'high', name: 'guardStarts', override: true },
  );
}
