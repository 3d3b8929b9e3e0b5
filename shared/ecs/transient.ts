/** Node's codes for a connection that dropped or never came up. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const THROTTLES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/**
 * Whether an error, or one it was caused by, is ECS having a bad moment (throttled, a 5xx answer,
 * a timeout, a dropped connection) rather than something a person must fix (access denied, a
 * cluster that does not exist, a bug). The first passes by itself; the second should reach the
 * dead-letter queue and its alarm.
 */
export function isTransientEcsError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 10; depth += 1) {
    const failure = cause as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
    const status = failure.$metadata?.httpStatusCode;
    if (THROTTLES.has(failure.name ?? '') || failure.name === 'TimeoutError' || NETWORK_CODES.has(failure.code ?? '')) return true;
    if (status !== undefined && (status >= 500 || status === 429)) return true;
    cause = failure.cause;
  }
  return false;
}
