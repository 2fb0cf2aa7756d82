import { create } from "zustand";
import type { ReplaySpeed } from "./replay-clock";

/** What React renders of the replay. The cursor's exact time lives in ReplayClock; `t` is its copy. */
export interface ReplayUi {
  /** The cursor, copied from the clock at most every UI_REFRESH_MS while playing, at once on a seek. */
  t: number;
  playing: boolean;
  speed: ReplaySpeed;
  /** The utterance or tool run whose provenance is open, or null. */
  provenance: { kind: "message" | "tool"; id: number; llmCallId: number } | null;
  /** The agent picked on the map (its log entries are highlighted), or null. */
  agentId: string | null;
}

/** How often the panels follow the cursor while playing (ms); the map follows every frame. */
export const UI_REFRESH_MS = 100;

export const useReplayUi = create<ReplayUi>(() => ({ t: 0, playing: false, speed: 1, provenance: null, agentId: null }));
