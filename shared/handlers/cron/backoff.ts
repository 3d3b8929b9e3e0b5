/** Capacity retries wait 5 s, then twice as long each time, at most 60 s, never past the deadline. */
export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 60_000;

/**
 * How long to wait before retry number `retry` (1 for the first), with the clock's `now` passed
 * in: FIRST_RETRY_MS, doubling, at most MAX_RETRY_MS, and never past the deadline. Zero or less
 * means the deadline has come: there is no time to wait for.
 */
export function retryWait(retry: number, now: Date, deadline: Date): number {
  const backoff = Math.min(FIRST_RETRY_MS * 2 ** (retry - 1), MAX_RETRY_MS);
  return Math.min(backoff, deadline.getTime() - now.getTime());
}
