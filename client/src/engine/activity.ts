import type { ActivityItem } from "../../../shared/protocol/work-messages";

/** Feed items kept in memory (newest first); older ones are dropped. */
export const FEED_LIMIT = 200; // default 200

/** Newer first: by time, then by id (ids increase within a workspace). */
export function newerFirst(a: ActivityItem, b: ActivityItem): number {
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  if (ta !== tb && Number.isFinite(ta) && Number.isFinite(tb)) return tb - ta;
  return b.id.localeCompare(a.id, "en", { numeric: true });
}

/**
 * The feed with `incoming` merged in: newest first, each id once (a re-sent item replaces the
 * old copy), at most `limit` items. Returns the same array when nothing changed.
 */
export function mergeActivity(feed: readonly ActivityItem[], incoming: readonly ActivityItem[], limit = FEED_LIMIT): ActivityItem[] {
  if (incoming.length === 0) return feed as ActivityItem[];
  const byId = new Map<string, ActivityItem>();
  for (const item of feed) byId.set(item.id, item);
  for (const item of incoming) if (item && typeof item.id === "string") byId.set(item.id, item);
  return [...byId.values()].sort(newerFirst).slice(0, limit);
}

/** Whether a feed item is shown in red: escalations and rejections. */
export function isAlarming(item: ActivityItem): boolean {
  return item.kind === "escalation" || item.severity === "warning";
}

/** "just now", "4 min ago", "3 h ago", "2 d ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** Short age for a card: "now", "5m", "3h", "2d". */
export function formatAge(thenMs: number, nowMs: number): string {
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  if (s < 60) return "now";
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
