import { TokenBucket } from './token-bucket.js';

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
  /** What the pacer reads the time from and waits with. Default the process's own. */
  clock?: PacerClock;
}

/** Time for the pacer: injected so that its pace can be checked under a simulated clock. */
export interface PacerClock {
  /** Milliseconds from any fixed origin. */
  now(): number;
  /** Calls `wake` after `ms` milliseconds; the function returned cancels that. */
  after(ms: number, wake: () => void): () => void;
}

const processClock: PacerClock = {
  now: () => performance.now(),
  after: (ms, wake) => {
    const timer = setTimeout(wake, ms);
    return () => clearTimeout(timer);
  },
};

export class ReadPacer {
  private readonly bucket: TokenBucket;
  private readonly clock: PacerClock;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** Cancels the pending wake-up, while one is pending. */
  private cancelWake: (() => void) | undefined;
  private readonly concurrency: number;

  constructor(options: ReadPacerOptions = {}) {
    this.clock = options.clock ?? processClock;
    this.bucket = new TokenBucket(options.burst ?? 100, options.perSecond ?? 19, () => this.clock.now());
    this.concurrency = options.concurrency ?? 10;
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
        if (this.waiting.length === 0 && this.cancelWake !== undefined) {
          // Nobody waits any more: a timer left running would keep a failed CLI run from exiting.
          this.cancelWake();
          this.cancelWake = undefined;
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
    while (this.waiting.length > 0 && this.inFlight < this.concurrency && this.bucket.take()) {
      this.inFlight += 1;
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0 && this.inFlight < this.concurrency && this.cancelWake === undefined) {
      // Out of tokens: wake up when the next one has dripped in.
      this.cancelWake = this.clock.after(Math.ceil(this.bucket.msUntilToken()), () => {
        this.cancelWake = undefined;
        this.admit();
      });
    }
  }
}

/** The pacer every load and read of a process shares unless given another: they all draw from one account bucket. */
export const processReadPacer = new ReadPacer();
