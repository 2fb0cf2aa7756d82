import type { ActivityItem } from "../../../../shared/protocol/work-messages";

/** Entries the dashboard's feed keeps (newest first). Default 150. */
export const SPECTATE_FEED_LIMIT = 150;
/** Longest utterance shown in the feed (characters); the replay has the rest. Default 220. */
export const FEED_SPEECH_MAX_CHARS = 220;

export type FeedKind = "speech" | "hand-off" | "approval-asked" | "approval" | "artifact" | "error" | "escalation" | "task";

/** One line of the spectator feed: the work (activity), what agents said, and what went wrong. */
export interface FeedEntry {
  /** Unique; entries sort by `at`, then by id. */
  id: string;
  /** Epoch ms. */
  at: number;
  kind: FeedKind;
  actorName: string;
  text: string;
  severity: "info" | "warning";
}

const KIND_OF: Record<ActivityItem["kind"], FeedKind> = {
  "task-created": "task",
  status: "task",
  assigned: "task",
  "hand-off": "hand-off",
  artifact: "artifact",
  "approval-asked": "approval-asked",
  approval: "approval",
  escalation: "escalation",
};

export function fromActivity(item: ActivityItem): FeedEntry {
  const at = Date.parse(item.at);
  return {
    id: `a:${item.id}`,
    at: Number.isFinite(at) ? at : 0,
    kind: KIND_OF[item.kind] ?? "task",
    actorName: item.actorName,
    text: item.text,
    severity: item.severity === "warning" || item.kind === "escalation" ? "warning" : "info",
  };
}

/** A finished utterance of an agent. */
export function fromSpeech(agentId: string, agentName: string, utteranceId: string, text: string, at: number): FeedEntry {
  const clean = text.replace(/\s+/g, " ").trim();
  const shown = clean.length > FEED_SPEECH_MAX_CHARS ? `${clean.slice(0, FEED_SPEECH_MAX_CHARS - 1)}…` : clean;
  return { id: `s:${agentId}:${utteranceId}`, at, kind: "speech", actorName: agentName, text: `“${shown}”`, severity: "info" };
}

/**
 * An agent that went offline, or idle with an error, is a feed error: "Iris is offline: upstream
 * 500 ×3". Returns null for any other state. `seq` keeps repeats of the same reason apart.
 */
export function fromAgentTrouble(agentId: string, agentName: string, state: string, reason: string, at: number, seq: number): FeedEntry | null {
  const trouble = state === "offline" || /^error\b/i.test(reason) || (state === "paused" && /budget/i.test(reason));
  if (!trouble) return null;
  const what = state === "offline" ? "is offline" : state === "paused" ? "paused" : "stopped";
  return { id: `e:${agentId}:${seq}`, at, kind: "error", actorName: agentName, text: `${agentName} ${what}${reason ? `: ${reason}` : ""}`, severity: "warning" };
}

/** Newest first: by time, then by id. */
export function newestFirst(a: FeedEntry, b: FeedEntry): number {
  return b.at - a.at || b.id.localeCompare(a.id, "en", { numeric: true });
}

/** `feed` with `incoming` merged in: newest first, each id once, at most `limit`. The same array when nothing is new. */
export function mergeFeed(feed: readonly FeedEntry[], incoming: readonly FeedEntry[], limit = SPECTATE_FEED_LIMIT): FeedEntry[] {
  const fresh = incoming.filter((e) => !feed.some((f) => f.id === e.id));
  if (fresh.length === 0) return feed as FeedEntry[];
  return [...feed, ...fresh].sort(newestFirst).slice(0, limit);
}
