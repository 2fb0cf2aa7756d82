import { performance } from "node:perf_hooks";

/** Keeps the last `capacity` tick durations (ms) and reports percentiles. Fixed memory. */
export class TickStats {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  total = 0;

  constructor(capacity = 1200) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
    this.total++;
  }

  reset(): void {
    this.next = 0;
    this.filled = 0;
    this.total = 0;
  }

  /** p in [0, 100]; nearest-rank. 0 when empty. */
  percentile(p: number): number {
    if (this.filled === 0) return 0;
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }

  summary(): { samples: number; p50: number; p99: number; max: number } {
    return { samples: this.filled, p50: this.percentile(50), p99: this.percentile(99), max: this.percentile(100) };
  }
}

/**
 * The main thread's busy time, read from the event loop's own accounting (Node's
 * eventLoopUtilization: the time it was not waiting for I/O). It counts all the work between two
 * patches: message handlers, the simulation, the patch and its sends, socket reads and writes,
 * garbage collection, and the parts of async work that ran after an await (a store write, a brain
 * start's prompt), which a stopwatch around each handler would miss. It is the process's, so
 * with several rooms each sees all of them.
 */
export class BusyClock {
  private mark = performance.eventLoopUtilization();

  /** Busy ms since the last lap, the current callback included. */
  sinceLap(): number {
    return performance.eventLoopUtilization(this.mark).active;
  }

  /** Ends an interval: returns its busy ms, and starts the next. */
  lap(): number {
    const now = performance.eventLoopUtilization();
    const active = performance.eventLoopUtilization(now, this.mark).active;
    this.mark = now;
    return active;
  }
}

/**
 * A room's two figures per patch interval: its tick (its own work: message handlers, simulation
 * steps, the patch and its sends, and the jobs it defers past a patch until they settle) and the
 * whole process's busy time (BusyClock), for /metrics and the bench.
 */
export class RoomTicks {
  readonly tick = new TickStats();
  readonly busy = new TickStats();
  private work = 0;
  private readonly clock = new BusyClock();
  private readonly deferred: Array<() => Promise<void>> = [];

  /** The room's own work so far in this interval (ms). */
  get workMs(): number {
    return this.work;
  }

  /** Runs `fn` as the room's work. */
  time<T>(fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.work += performance.now() - started;
    }
  }

  /** Counts `ms` of the room's work (the message path times itself, without a closure per message). */
  add(ms: number): void {
    this.work += ms;
  }

  /** Runs `job` just after the next patch, in the interval that patch starts. It must not reject. */
  afterNextPatch(job: () => Promise<void>): void {
    this.deferred.push(job);
  }

  /** Runs the patch as room work, closes the interval, then starts the deferred jobs. */
  patch<T>(send: () => T): T {
    const result = this.time(send);
    this.tick.record(this.work);
    this.work = 0;
    this.busy.record(this.clock.lap());
    if (this.deferred.length > 0) {
      const jobs = this.deferred.splice(0);
      // Counted until they settle, by the event loop's busy time (a PostgreSQL round trip's wait is not work).
      setImmediate(() => {
        const window = new BusyClock();
        void Promise.all(jobs.map((job) => job())).then(() => (this.work += window.lap()));
      });
    }
    return result;
  }

  reset(): void {
    this.tick.reset();
    this.busy.reset();
  }
}
