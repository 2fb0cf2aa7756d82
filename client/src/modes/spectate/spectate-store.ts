import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { StatsAgent, StatsBucket, StatsResponse } from "../../../../shared/stats";
import type { FeedEntry } from "./feed-entries";

/**
 * The dashboard's own slow state (what React renders): the view, the focused agent, the feed
 * and its pause, and the chart data. The workspace itself (agents, people, tasks, activity,
 * speech) is in the app store (engine/store.ts), filled by the same connection code as the
 * desktop client.
 */

export type SpectateView = "map" | "tour";

export interface StatsState {
  buckets: StatsBucket[];
  agents: StatsAgent[];
  spentUsd: number;
  workspaceBudgetUsd: number | null;
  brain: StatsResponse["brain"];
  bucketMs: number;
  /** The server's clock when these were put together (epoch ms), 0 before the first. */
  now: number;
  /** The newest bucket the LLM charts show: the others run to the open bucket, these to the last closed one (its figures come when it closes). */
  llmThrough: number;
}

export interface SpectateState {
  view: SpectateView;
  /** The agent the cards, the map and the tour focus on, or null (the tour picks by itself). */
  focusId: string | null;
  /** The agent the 3D tour shows now (set when it changes, never per frame). */
  tourTarget: string | null;
  /** The combined feed, newest first. */
  feed: FeedEntry[];
  /** While paused, the feed shows this frozen copy; new entries still arrive in `feed`. */
  feedPaused: boolean;
  frozenFeed: FeedEntry[];
  stats: StatsState;
  statsError: string | null;
  /** History answers received from GET /api/stats (once per join, and when a budget changes), for the tests. */
  statsLoads: number;
  /** Closed buckets' figures pushed over the room's WebSocket (shared/stats-push.ts), for the tests. */
  statsPushes: number;
  /** Downloaded history bytes (response bodies), for curious eyes. */
  statsBytes: number;
}

export const initialSpectateState: SpectateState = {
  view: "map",
  focusId: null,
  tourTarget: null,
  feed: [],
  feedPaused: false,
  frozenFeed: [],
  stats: { buckets: [], agents: [], spentUsd: 0, workspaceBudgetUsd: null, brain: "none", bucketMs: 10_000, now: 0, llmThrough: 0 },
  statsError: null,
  statsLoads: 0,
  statsPushes: 0,
  statsBytes: 0,
};

export const spectateStore = createStore<SpectateState>()(() => ({ ...initialSpectateState }));

export function useSpectate<T>(selector: (s: SpectateState) => T): T {
  return useStore(spectateStore, selector);
}

export function setFeedPaused(paused: boolean): void {
  spectateStore.setState((s) => ({ feedPaused: paused, frozenFeed: paused ? s.feed : [] }));
}
