/**
 * A token bucket, the shape of ECS's request throttling: `capacity` tokens at most, refilled
 * continuously at `refillPerSecond`, one token per call. The clock is passed in (milliseconds from
 * any fixed origin), so the bucket is as exact under a simulated clock as under a real one.
 *
 * Both sides of the wire use it: the emulator refuses a call when its bucket is empty (as ECS
 * does), and the read pacer waits for a token of its own rather than be refused.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.refilledAt = now();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is in; 0 when one is there now. */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.refillPerSecond) * 1000;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.refillPerSecond);
    this.refilledAt = now;
  }
}
