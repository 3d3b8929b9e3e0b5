import type { ECSClientConfig } from '@aws-sdk/client-ecs';

// The SDK's retry interfaces, taken from the client's config type rather than from @smithy/types,
// which is not a dependency of ours.
type RetryStrategyV2 = Extract<NonNullable<ECSClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export interface EcsRetryOptions {
  /** Attempts per call, the first included. Default 8. */
  maxAttempts?: number;
  /** Backoff base after a 5xx or a dropped connection, and after a throttle; the cap on any wait. */
  delays?: { transientMs: number; throttlingMs: number; capMs: number };
  /** Draws the jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * 100 ms and 500 ms are the SDK's own bases. The cap is 5 s, not the SDK's 20 s: seven waits then
 * add up to at most about 11 s after 5xx answers (22 s after throttles), well inside a daemon
 * function's 60 s, so a load that retries still leaves the function time to act.
 */
const DEFAULT_DELAYS = { transientMs: 100, throttlingMs: 500, capMs: 5_000 };

/**
 * The retry strategy of our ECS clients: exponential backoff with full jitter, a bounded number
 * of attempts per call, and no retry quota shared across calls.
 *
 * Why no quota: the SDK's standard strategy keeps one per client (500 tokens, 5 per retry, 1 back
 * per success) to stop a client from piling retries onto a failing service. Under a brownout (a
 * share of 5xx answers for minutes) it drains, and from then on every call fails at its first
 * error, so a load of twenty calls fails almost surely, and every rule on the client with it. Our
 * clients need no such brake: their reads go through the read pacer (at most 10 in flight, at the
 * account bucket's pace), a call's attempts are capped, and the function's timeout bounds the
 * rest. What is retried: throttles and transient errors (5xx, timeouts, dropped connections), as
 * the SDK classifies them. A start whose answer was lost reaches here as a client error
 * (StartOutcomeUnknownError, see guardStarts) and is never retried.
 */
export class EcsRetryStrategy implements RetryStrategyV2 {
  private readonly maxAttempts: number;
  private readonly delays: { transientMs: number; throttlingMs: number; capMs: number };
  private readonly random: () => number;

  constructor(options: EcsRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.delays = options.delays ?? DEFAULT_DELAYS;
    this.random = options.random ?? Math.random;
  }

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(retryToken(0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    if (errorInfo.errorType !== 'THROTTLING' && errorInfo.errorType !== 'TRANSIENT') return Promise.reject(new Error(`not retried: a ${errorInfo.errorType} error`));
    if (retries + 1 >= this.maxAttempts) return Promise.reject(new Error(`not retried: ${this.maxAttempts} attempts made`));
    const base = errorInfo.errorType === 'THROTTLING' ? this.delays.throttlingMs : this.delays.transientMs;
    const ceiling = Math.min(this.delays.capMs, base * 2 ** retries);
    return Promise.resolve(retryToken(retries + 1, Math.floor(this.random() * ceiling)));
  }

  recordSuccess(): void {
    // Nothing to give back: there is no quota.
  }
}

function retryToken(retryCount: number, delayMs: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delayMs };
}
