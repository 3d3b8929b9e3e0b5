/**
 * Client-side pacing for ECS cluster-resource reads (List/Describe of tasks and instances).
 *
 * ECS throttles these per account and Region with a token bucket (100 burst, 20/s refill) that
 * every scheduler in the account shares. Going faster than the bucket only buys
 * ThrottlingExceptions and SDK back-off, so a load spends tokens at the bucket's own pace and keeps
 * a bounded number of calls in flight. The SDK still retries the throttles that other callers
 * cause.
 */
export interface ReadPacerOptions {
  /** Tokens available at once. Default 100 (ECS's burst). */
  burst?: number;
  /**
   * Tokens added per second. Default 19: a little under ECS's 20, because our clock and ECS's
   * never agree exactly, and a call refused for a token costs an SDK back-off of far more than it
   * saves (measured: 20/s drew about one throttle a second at full tilt; 19/s none).
   */
  perSecond?: number;
  /** Calls in flight at once. Default 10. */
  concurrency?: number;
}

export class ReadPacer {
  private tokens: number;
  private refilledAt = performance.now();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly concurrency: number;

  constructor(options: ReadPacerOptions = {}) {
    this.burst = options.burst ?? 100;
    this.perSecond = options.perSecond ?? 19;
    this.concurrency = options.concurrency ?? 10;
    this.tokens = this.burst;
  }

  /**
   * Runs `call` once a token and a slot are free; calls start in the order they asked. A call
   * whose `signal` aborts while it waits leaves the queue without spending a token (a failed
   * load must not drain the bucket the next one needs).
   */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await new Promise<void>((resolve, reject) => {
      const admitted = () => {
        signal?.removeEventListener('abort', abandon);
        resolve();
      };
      const abandon = () => {
        const at = this.waiting.indexOf(admitted);
        if (at >= 0) this.waiting.splice(at, 1);
        if (this.waiting.length === 0 && this.timer !== undefined) {
          // Nobody waits any more: a timer left running would keep a failed CLI run from exiting.
          clearTimeout(this.timer);
          this.timer = undefined;
        }
        reject(signal!.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.push(admitted);
      this.admit();
    });
    try {
      return await call();
    } finally {
      this.inFlight -= 1;
      this.admit();
    }
  }

  private admit(): void {
    this.refill();
    while (this.waiting.length > 0 && this.inFlight < this.concurrency && this.tokens >= 1) {
      this.tokens -= 1;
      this.inFlight += 1;
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0 && this.inFlight < this.concurrency && this.timer === undefined) {
      // Out of tokens: wake up when the next one has dripped in.
      const waitMs = Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.admit();
      }, waitMs);
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
  }
}
