/** Counts calls in flight; beyond `limit` they wait, first come first served. */
export class Semaphore {
  private active = 0;
  private readonly waiters: { grant: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the concurrency limit must be a positive integer, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a release function once a slot is free. If `signal` fires while waiting, the
   * call leaves the queue and rejects with `onAbort()`. Call the release function exactly once.
   */
  acquire(signal?: AbortSignal, onAbort: () => Error = () => new Error("aborted")): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(onAbort());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", abort);
          this.active++;
          resolve(this.releaser());
        },
      };
      const abort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(onAbort());
      };
      signal?.addEventListener("abort", abort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.grant();
    };
  }
}
