/**
 * Work ECS does after it has answered a call, run on a later turn of the event loop so callers
 * see the in-between states as they would against ECS. A test waits for it with `settle()`
 * instead of sleeping, or `hold()`s it to inspect an in-between state at leisure.
 */
export class DeferredWork {
  private queue: Array<() => void> = [];
  private scheduled = false;
  private holds = 0;
  private waiters: Array<() => void> = [];

  later(job: () => void): void {
    this.queue.push(job);
    this.schedule();
  }

  /** True when nothing is left to run now: the queue is empty, or held. */
  get idle(): boolean {
    return this.queue.length === 0 || this.holds > 0;
  }

  /** Resolves once idle, counting work that queued work adds. */
  settle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Keeps queued work from running until the returned release is called. */
  hold(): () => void {
    this.holds++;
    this.wakeWaiters();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.schedule();
    };
  }

  private schedule(): void {
    if (this.scheduled || this.holds > 0 || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    if (this.holds > 0) return;
    const jobs = this.queue;
    this.queue = [];
    let failure: unknown;
    for (const job of jobs) {
      try {
        job();
      } catch (error) {
        failure ??= error;
      }
    }
    this.schedule();
    if (this.idle) this.wakeWaiters();
    // A throwing event listener is a bug in the caller's code: let it surface as an uncaught
    // error rather than vanish, after the rest of the batch has run.
    if (failure !== undefined) throw failure;
  }

  private wakeWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
