import type { Client } from "@colyseus/core";
import type { Roster } from "../../../shared/agents";
import { ServerMessage } from "../../../shared/protocol/messages";
import { STATS_BUCKET_MS, type StatsResponse } from "../../../shared/stats";
import { STATS_PUSH_DELAY_MS, STATS_PUSH_MESSAGE, toPushBucket, type StatsPush, type StatsPushBucket } from "../../../shared/stats-push";
import { StatsComputer } from "../http/stats-compute";
import type { Logger } from "../logger";
import type { Store } from "../store/store";

/**
 * What a spectator (a wall screen) is sent besides what everyone gets, and what it is spared.
 *
 * Spared: broadcasts the dashboard does not use. Questions and their closing are for the people
 * who answer them; the feed tells of questions asked and answered through its activity items,
 * and draws hand-off arcs from the hand-off items, so the hand-off message is a second copy.
 *
 * Sent: the charts' LLM figures (shared/stats-push.ts), pushed once per closed bucket to the
 * spectators only, so the dashboard never polls GET /api/stats after its first load. Nothing is
 * read or sent while no spectator watches, nor for a bucket in which nothing happened.
 */

/** Broadcasts spectators are not sent. */
export const SPECTATOR_SKIPS: ReadonlySet<string> = new Set([ServerMessage.Question, ServerMessage.QuestionClosed, ServerMessage.HandOff]);
/** How often the stream looks for a bucket that closed (ms). Default 500. */
export const STATS_PUSH_CHECK_MS = 500;

/** What the stream needs of its room (the WorkspaceRoom). */
export interface SpectatorRoom {
  readonly workspace: string;
  readonly clients: ArrayLike<Client>;
  /** Every client's role, by session id. */
  readonly seats: ReadonlyMap<string, { role: string }>;
  readonly clock: { setInterval(handler: () => void, ms: number): unknown };
  broadcast(type: string, payload: unknown, options?: { except?: Client[] }): void;
}

export class SpectatorStream {
  private computer: StatsComputer | null = null;
  private readonly agentIds: string[];
  /** The start of the newest bucket looked at, and what the spectators hold of it. */
  private lastT = 0;
  private lastSent: StatsPushBucket | null = null;
  private lastDone: number | null = null;
  private lastBrain: StatsResponse["brain"] | null = null;
  /** Pushes sent, for the tests and /metrics' curious readers. */
  pushes = 0;
  /** A push reading the store; the next waits for it. */
  private pushing = false;

  constructor(
    private readonly room: SpectatorRoom,
    private readonly store: Store,
    private readonly roster: Roster,
    private readonly log: Logger,
    /** The wall clock (epoch ms); tests pass their own. */
    private readonly now: () => number = Date.now,
  ) {
    this.agentIds = roster.agents.map((a) => a.id);
    room.clock.setInterval(() => void this.tick(), STATS_PUSH_CHECK_MS);
  }

  /** Whether `client` is sent broadcasts of `type`: not a spectator, or a type it uses. */
  wants(client: Client, type: string): boolean {
    return !SPECTATOR_SKIPS.has(type) || !this.isSpectator(client);
  }

  /** The room's broadcast, leaving out the spectators for SPECTATOR_SKIPS. */
  broadcast(type: string, payload: unknown): void {
    if (!SPECTATOR_SKIPS.has(type)) return this.room.broadcast(type, payload);
    const except = this.spectators();
    this.room.broadcast(type, payload, except.length > 0 ? { except } : undefined);
  }

  /**
   * Pushes the bucket that closed STATS_PUSH_DELAY_MS ago, once, when spectators watch. Resolves
   * when that push is done (at once when there is nothing to do, or while an earlier one reads).
   */
  tick(): Promise<void> {
    const closed = Math.floor((this.now() - STATS_PUSH_DELAY_MS) / STATS_BUCKET_MS) * STATS_BUCKET_MS - STATS_BUCKET_MS;
    if (closed <= this.lastT || this.pushing) return Promise.resolve();
    const spectators = this.spectators();
    if (spectators.length === 0) {
      this.lastT = closed;
      this.lastSent = null; // nobody got it: the next push has nothing to correct
      return Promise.resolve();
    }
    this.pushing = true;
    return this.push(closed, spectators)
      .catch((err: unknown) => this.log.warn({ err, workspace: this.room.workspace }, "could not push the charts' figures to spectators"))
      .finally(() => {
        this.pushing = false;
      });
  }

  /**
   * Reads bucket `t` (closed) and the one before it, and sends to `to` what is new: bucket `t`
   * when a call finished in it or the done count changed, the bucket before again when a call
   * that finished in it was saved late, and the brain when it changed.
   */
  async push(t: number, to: readonly Client[] = this.spectators()): Promise<void> {
    this.computer ??= new StatsComputer(this.store.db, this.roster, null);
    const stats = await this.computer.compute({ workspace: this.room.workspace, from: t - STATS_BUCKET_MS, now: t + STATS_BUCKET_MS - 1, bucketMs: STATS_BUCKET_MS });
    const [before, bucket] = stats.buckets.map((b) => toPushBucket(b, this.agentIds));
    const message: StatsPush = { b: [], n: this.agentIds.length };
    if (before && this.lastSent && this.lastSent[0] === before[0] && !sameLlm(before, this.lastSent)) message.b.push(before);
    if (bucket && (bucket[1] > 0 || bucket[8] !== this.lastDone)) message.b.push(bucket);
    if (stats.brain !== this.lastBrain) message.brain = stats.brain;
    this.lastT = t;
    // What the spectators now hold of bucket t: what was sent, or, when it was not (no call
    // finished in it), no LLM figures, which is what the unsent bucket says too.
    this.lastSent = bucket ?? null;
    if (bucket) this.lastDone = bucket[8];
    this.lastBrain = stats.brain;
    if (message.b.length === 0 && message.brain === undefined) return;
    for (const client of to) client.send(STATS_PUSH_MESSAGE, message);
    this.pushes++;
  }

  private isSpectator(client: Client): boolean {
    return this.room.seats.get(client.sessionId)?.role === "spectator";
  }

  private spectators(): Client[] {
    const out: Client[] = [];
    for (let i = 0; i < this.room.clients.length; i++) {
      const c = this.room.clients[i]!;
      if (this.isSpectator(c)) out.push(c);
    }
    return out;
  }
}

/** The same LLM figures (everything but the done count). */
function sameLlm(a: StatsPushBucket, b: StatsPushBucket): boolean {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
  const x = a[9];
  const y = b[9];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
