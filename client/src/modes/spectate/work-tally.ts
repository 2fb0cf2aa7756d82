import { STATS_TASK_STATUSES, type StatsBucket, type StatsTaskStatus } from "../../../../shared/stats";

/**
 * Tasks by status and agents by state, bucket by bucket, from the room state the dashboard
 * already has, so the server sends none of it (shared/stats-push.ts). Times are the server's
 * clock (epoch ms), as the buckets are.
 *
 * - Agents by state: agent-milliseconds in each state over the bucket, divided by its length
 *   (2.5 = two and a half agents thinking on average), as GET /api/stats counts them.
 * - Tasks by status at each bucket's end: every open task is in the room state, so todo, doing,
 *   review and blocked are counted there. Done cards leave it (a board keeps its newest few), so
 *   done is the server's count at a moment (the history, then each pushed bucket's end) plus the
 *   cards seen done since that moment.
 */

export interface TallyCard {
  id: string;
  status: string;
  /** Server epoch ms of the card's last change. */
  updatedAt: number;
}

export interface WorkBucket {
  t: number;
  tasks: Record<StatsTaskStatus, number>;
  states: Record<string, number>;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const isStatus = (s: string): s is StatsTaskStatus => (STATS_TASK_STATUSES as readonly string[]).includes(s);

export class WorkTally {
  /** Start of the open bucket; NaN before the first seed. */
  private openT = Number.NaN;
  /** Time accounted for, up to here. */
  private cursor = 0;
  /** Agent-milliseconds per state in the open bucket. */
  private stateMs = new Map<string, number>();
  /** Agents in each state now. */
  private counts = new Map<string, number>();
  /** Open tasks by status now (from the cards). */
  private open: Record<StatsTaskStatus, number> = { todo: 0, doing: 0, review: 0, done: 0, blocked: 0 };
  /** The server's done count at `baseAt`, and the cards seen done after it (id → updatedAt). */
  private baseDone = 0;
  private baseAt = 0;
  private doneSince = new Map<string, number>();
  /** Closed buckets since the first seed, by start. */
  private readonly closed = new Map<number, WorkBucket>();

  constructor(readonly bucketMs: number) {}

  /** The start of the open bucket, or NaN before the first seed. */
  get openBucket(): number {
    return this.openT;
  }

  /**
   * Starts from a history answer's newest bucket, open at `now`: its task counts and its state
   * averages so far; then what the room state shows. Closed buckets kept from before stay,
   * except those from `from` (the answer's first bucket) on: the answer has them.
   */
  seed(open: StatsBucket, now: number, states: Iterable<string>, cards: Iterable<TallyCard>, from = open.t): void {
    for (const t of this.closed.keys()) if (t >= from) this.closed.delete(t);
    this.openT = open.t;
    this.cursor = Math.max(open.t, now);
    const span = this.cursor - open.t;
    this.stateMs = new Map(Object.entries(open.states).map(([s, avg]) => [s, avg * span]));
    this.baseDone = open.tasks.done;
    this.baseAt = now;
    this.doneSince.clear();
    this.setStates(now, states);
    this.setCards(now, cards);
  }

  /** The agents' states from `at` on (one entry per agent). */
  setStates(at: number, states: Iterable<string>): void {
    if (!this.seeded()) return;
    this.advance(at);
    this.counts.clear();
    for (const s of states) this.counts.set(s, (this.counts.get(s) ?? 0) + 1);
  }

  /** The task cards in the room state from `at` on. */
  setCards(at: number, cards: Iterable<TallyCard>): void {
    if (!this.seeded()) return;
    this.advance(at);
    const open: Record<StatsTaskStatus, number> = { todo: 0, doing: 0, review: 0, done: 0, blocked: 0 };
    for (const c of cards) {
      if (c.status === "done") {
        if (c.updatedAt > this.baseAt) this.doneSince.set(c.id, c.updatedAt);
      } else {
        this.doneSince.delete(c.id); // reopened (or never done)
        if (isStatus(c.status)) open[c.status]++;
      }
    }
    this.open = open;
  }

  /**
   * The server's done count at the end of bucket `t` (from a push): that bucket says it, and
   * later ones count from it. Cards done by then are in it.
   */
  settleDone(t: number, done: number): void {
    const bucket = this.closed.get(t);
    if (bucket) bucket.tasks.done = done;
    const at = t + this.bucketMs;
    if (!this.seeded() || at <= this.baseAt) return;
    this.baseDone = done;
    this.baseAt = at;
    for (const [id, updatedAt] of this.doneSince) if (updatedAt <= at) this.doneSince.delete(id);
  }

  /** Closes the buckets that ended by `at`, and accounts the open one up to it. */
  advance(at: number): void {
    if (!this.seeded() || at <= this.cursor) return;
    while (at >= this.openT + this.bucketMs) {
      const end = this.openT + this.bucketMs;
      this.spend(end - this.cursor);
      this.closed.set(this.openT, this.bucketOf(this.openT, this.bucketMs));
      this.openT = end;
      this.cursor = end;
      this.stateMs = new Map();
    }
    this.spend(at - this.cursor);
    this.cursor = at;
  }

  /** The buckets from `from` on, closed ones and then the open one so far (advanced to `at`). */
  buckets(at: number, from = -Infinity): WorkBucket[] {
    if (!this.seeded()) return [];
    this.advance(at);
    for (const t of this.closed.keys()) if (t < from) this.closed.delete(t);
    const out = [...this.closed.values()].sort((a, b) => a.t - b.t);
    out.push(this.bucketOf(this.openT, Math.max(1, this.cursor - this.openT)));
    return out;
  }

  /** Done tasks now: the server's count at baseAt, plus the cards seen done after it. */
  get done(): number {
    return this.baseDone + this.doneSince.size;
  }

  private seeded(): boolean {
    return !Number.isNaN(this.openT);
  }

  private spend(ms: number): void {
    if (ms <= 0) return;
    for (const [state, n] of this.counts) this.stateMs.set(state, (this.stateMs.get(state) ?? 0) + n * ms);
  }

  private bucketOf(t: number, span: number): WorkBucket {
    const states: Record<string, number> = {};
    for (const [state, ms] of this.stateMs) if (ms > 0) states[state] = round2(ms / span);
    return { t, tasks: { ...this.open, done: this.done }, states };
  }
}
