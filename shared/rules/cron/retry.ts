export const MAX_RETRIES = 10;
/** SQS's longest message delay, and a sensible ceiling for a job's backoff. */
export const MAX_RETRY_DELAY_SECONDS = 900;
export const DEFAULT_RETRY_DELAY_SECONDS = 60;
/** `cron/` + name + `/` + 7 characters of slot + `/` + 1 of attempt = 36. */
export const MAX_RETRIED_NAME_LENGTH = 21;

/**
 * When attempt `failed` (1-based) of a slot may be followed by the next one, or undefined when the
 * rule has no retries left: the rule's retryDelaySeconds after the failure, doubled for each
 * attempt before, at most 15 minutes.
 */
export function nextRetryAt(rule: { retries?: number; retryDelaySeconds?: number }, failed: number, endedAt: Date): Date | undefined {
  if (failed > (rule.retries ?? 0)) return undefined;
  const delay = Math.min(MAX_RETRY_DELAY_SECONDS, (rule.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS) * 2 ** (failed - 1));
  return new Date(endedAt.getTime() + delay * 1000);
}
