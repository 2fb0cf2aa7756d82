/**
 * Brains started per simulation tick, at most; more wait for the next ticks. A start (prompt,
 * store reads, the provenance row, the request to the broker) costs 0.2–0.5 ms: fifty at once
 * would stall a tick for 10–25 ms. Four per tick start fifty agents within 0.65 s. Default 4.
 */
export const MAX_BRAIN_STARTS_PER_TICK = 4;
/** …and no more once the tick's starts have taken this long (ms); the first always goes. Default 1. */
export const BRAIN_START_BUDGET_MS = 1;
/**
 * Where the room reports its own work since its last patch (`roomWorkMs`), brains beyond the
 * first of a tick start only while that work plus theirs stays under this (ms): the interval that
 * already handled a burst of messages (fifty people talking at once) leaves the rest of its starts
 * to the next ticks. Default 3.
 */
export const ROOM_WORK_BUDGET_MS = 3;
/** With no simulation tick driving the runtime (tests, tools), a timer starts waiting agents this often (ms). */
export const START_FALLBACK_MS = 50;
/**
 * The fallback timer starts brains only when no tick has run for this long (ms), so while ticks
 * run the per-tick bound holds and every start is counted in a tick (a timer armed at a tick used
 * to fire just before the next, late tick and double the starts). Default 4 × START_FALLBACK_MS.
 */
export const TICKS_STOPPED_MS = 4 * START_FALLBACK_MS;

/**
 * Who waits for a brain start, oldest first, and when they start: up to
 * MAX_BRAIN_STARTS_PER_TICK per simulation tick within a time budget, so every start is counted
 * in a tick and bounded per tick, never run inside the handler that delivered the mail. Without
 * ticks (no room drives the runtime: tests, tools), a fallback timer does the ticks' starting.
 */
export class StartQueue<T> {
  private readonly waiting: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** performance.now() of the last tick; the fallback timer stays out of the way while ticks run. */
  private lastTickAt = -Infinity;
  private disposed = false;

  constructor(
    /** Starts one; false when it can no longer start (it is dropped, not counted). */
    private readonly start: (item: T) => boolean,
    /** How long a tick's starts beyond the first may take (ms), asked at each tick. */
    private readonly budgetMs: () => number,
  ) {}

  /** Queues `item` (once) for a start. */
  push(item: T): void {
    if (this.disposed || this.waiting.includes(item)) return;
    this.waiting.push(item);
    this.armFallback();
  }

  /** A simulation tick: starts what the per-tick bounds allow. */
  tick(): void {
    this.lastTickAt = performance.now();
    this.run();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.length = 0;
  }

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // The first start of a tick always goes (so the starts never stall); the rest while the budget holds.
    const budgetMs = this.budgetMs();
    let started = 0;
    const t0 = performance.now();
    while (started < MAX_BRAIN_STARTS_PER_TICK && this.waiting.length > 0 && (started === 0 || performance.now() - t0 < budgetMs)) {
      if (this.start(this.waiting.shift()!)) started++;
    }
    if (this.waiting.length > 0) this.armFallback();
  }

  private armFallback(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (performance.now() - this.lastTickAt >= TICKS_STOPPED_MS) this.run();
      else this.armFallback(); // the ticks start them; look again in case the ticks stop
    }, START_FALLBACK_MS);
  }
}
