import type { Room } from "@colyseus/sdk";
import { NoticeMessage, type NoticePayload } from "../../../../shared/protocol/moderation-messages";
import { STATS_WINDOW_MS, type StatsResponse } from "../../../../shared/stats";
import { STATS_PUSH_DELAY_MS, STATS_PUSH_MESSAGE, type PushedBucket, type StatsPush } from "../../../../shared/stats-push";
import { appStore, type AppState } from "../../engine/store";
import { chartBuckets, llmShownThrough, withHistory, withPush, type LiveStats } from "./live-stats";
import { spectateStore } from "./spectate-store";
import { WorkTally } from "./work-tally";

/** How often the charts are redrawn with the open bucket so far (ms). Default 2 s. */
export const STATS_REFRESH_MS = 2_000;
/** A closed bucket whose push has not come this long after it closed had nothing in it (ms). Default STATS_PUSH_DELAY_MS + 2 s. */
export const STATS_PUSH_WAIT_MS = STATS_PUSH_DELAY_MS + 2_000;

/** Buckets asked for again when only the totals and budgets are stale (an owner changed a budget). Default 2. */
const REFRESH_BUCKETS = 2;

/** The room's connection as the feed needs it (engine/net.ts WorkspaceConnection). */
export interface StatsConnection {
  onRoom(listener: (room: Room) => void): () => void;
}

/** One GET /api/stats: the answer and its size (the body, as received). */
export async function fetchStats(workspace: string, since: number | null): Promise<{ body: StatsResponse; bytes: number }> {
  const query = new URLSearchParams({ workspace });
  if (since !== null) query.set("since", String(since));
  const res = await fetch(`/api/stats?${query}`, { cache: "no-store" });
  const text = await res.text();
  const body = JSON.parse(text) as StatsResponse & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return { body, bytes: text.length };
}

/**
 * The dashboard's chart data, kept live with next to no traffic: the history over HTTP once
 * when the room is joined (and again after a reconnection, or for the totals when an owner
 * changes a budget); then each closed bucket's LLM figures and done count as the server pushes
 * them over the room's WebSocket (shared/stats-push.ts); tasks by status and agents by state
 * derived here from the room state (work-tally.ts). Results go to the spectate store.
 */
export class StatsFeed {
  private live: LiveStats | null = null;
  private tally: WorkTally | null = null;
  /** Pushes received since the last history request went out: applied again over its answer. */
  private pushesSinceRequest: StatsPush[] = [];
  private loading = false;
  private reloadAgain: number | null | undefined = undefined;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly workspace: string,
    private readonly connection: StatsConnection,
  ) {}

  start(): void {
    if (this.timer) return;
    this.stops.push(
      this.connection.onRoom((room) => {
        room.onMessage(STATS_PUSH_MESSAGE, (push: StatsPush) => this.onPush(push));
        room.onMessage(NoticeMessage.Notice, (n: NoticePayload) => {
          if (n.kind === "moderation" && n.action === "agent-budget") void this.load(this.refreshSince());
        });
      }),
      appStore.subscribe((s, prev) => this.onApp(s, prev)),
    );
    if (appStore.getState().status === "connected") void this.load(null);
    this.timer = setInterval(() => this.publish(), STATS_REFRESH_MS);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The server's clock now (epoch ms), as far as the last history answer tells. */
  serverNow(): number {
    return Date.now() + (this.live?.clockOffset ?? 0);
  }

  /** Loads the history from `since` (null: the whole window); one request at a time, the last asked for wins. */
  async load(since: number | null): Promise<void> {
    if (this.loading) {
      this.reloadAgain = this.reloadAgain === undefined || since === null || this.reloadAgain === null ? since : Math.min(since, this.reloadAgain);
      return;
    }
    this.loading = true;
    this.pushesSinceRequest = [];
    try {
      const { body, bytes } = await fetchStats(this.workspace, since);
      let live = withHistory(this.live, body, Date.now());
      const pushed: PushedBucket[] = [];
      for (const push of this.pushesSinceRequest) live = withPush(live, push, pushed) ?? live;
      this.live = live;
      const last = body.buckets.at(-1);
      if (last) {
        this.tally ??= new WorkTally(body.bucketMs);
        const s = appStore.getState();
        this.tally.seed(last, body.now, agentStates(s), Object.values(s.tasks), body.buckets[0]?.t);
        this.settle(pushed);
      }
      spectateStore.setState((st) => ({ statsError: null, statsLoads: st.statsLoads + 1, statsBytes: st.statsBytes + bytes }));
    } catch (err) {
      spectateStore.setState({ statsError: `Charts: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.loading = false;
      this.pushesSinceRequest = [];
    }
    this.publish();
    if (this.reloadAgain !== undefined) {
      const again = this.reloadAgain;
      this.reloadAgain = undefined;
      await this.load(again);
    }
  }

  private onPush(push: StatsPush): void {
    spectateStore.setState((st) => ({ statsPushes: st.statsPushes + 1 }));
    if (this.loading) this.pushesSinceRequest.push(push);
    if (!this.live) return; // the history's answer takes it in
    const pushed: PushedBucket[] = [];
    const next = withPush(this.live, push, pushed);
    if (!next) {
      void this.load(null); // another roster: start over
      return;
    }
    this.live = next;
    this.settle(pushed);
    this.publish();
  }

  /** Pushed done counts into the tally (after it has closed their buckets). */
  private settle(pushed: readonly PushedBucket[]): void {
    if (!this.tally || pushed.length === 0) return;
    this.tally.advance(this.serverNow());
    for (const p of pushed) this.tally.settleDone(p.t, p.done);
  }

  private onApp(s: AppState, prev: AppState): void {
    if (s.status === "connected" && prev.status !== "connected") {
      // Joined, or back after a drop: what happened meanwhile comes from the server.
      void this.load(null);
      return;
    }
    if (!this.tally || s.status !== "connected") return;
    if (s.agents !== prev.agents) this.tally.setStates(this.serverNow(), agentStates(s));
    if (s.tasks !== prev.tasks) this.tally.setCards(this.serverNow(), Object.values(s.tasks));
  }

  private refreshSince(): number | null {
    const open = this.tally?.openBucket;
    return open !== undefined && Number.isFinite(open) ? open - (REFRESH_BUCKETS - 1) * this.tally!.bucketMs : null;
  }

  /** Writes the charts' buckets, the totals and how far the LLM figures go to the spectate store. */
  publish(): void {
    const live = this.live;
    if (!live) return;
    const now = this.serverNow();
    const work = this.tally?.buckets(now, now - STATS_WINDOW_MS - live.bucketMs) ?? [];
    spectateStore.setState({
      stats: {
        buckets: chartBuckets(live, work, now),
        agents: live.agents,
        spentUsd: live.spentUsd,
        workspaceBudgetUsd: live.workspaceBudgetUsd,
        brain: live.brain,
        bucketMs: live.bucketMs,
        now,
        llmThrough: llmShownThrough(live, now, STATS_PUSH_WAIT_MS),
      },
    });
  }
}

function agentStates(s: AppState): string[] {
  return Object.values(s.agents).map((a) => a.state);
}
