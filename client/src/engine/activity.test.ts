import { describe, expect, it } from "vitest";
import type { ActivityItem } from "../../../shared/protocol/work-messages";
import { formatAge, formatAgo, isAlarming, mergeActivity } from "./activity";

function item(id: string, at: string, extra: Partial<ActivityItem> = {}): ActivityItem {
  return { id, at, kind: "status", actor: "iris", actorName: "Iris", text: `item ${id}`, taskId: null, artifactId: null, district: null, severity: "info", ...extra };
}

describe("mergeActivity", () => {
  it("keeps the feed newest first, whatever order items arrive in", () => {
    const feed = mergeActivity([], [item("1", "2025-01-01T10:00:00Z"), item("3", "2025-01-01T10:02:00Z"), item("2", "2025-01-01T10:01:00Z")]);
    expect(feed.map((i) => i.id)).toEqual(["3", "2", "1"]);
  });

  it("orders items of the same second by numeric id", () => {
    const at = "2025-01-01T10:00:00Z";
    expect(mergeActivity([], [item("9", at), item("10", at)]).map((i) => i.id)).toEqual(["10", "9"]);
  });

  it("de-duplicates by id (a backlog after a reconnect repeats items)", () => {
    const first = mergeActivity([], [item("1", "2025-01-01T10:00:00Z"), item("2", "2025-01-01T10:01:00Z")]);
    const again = mergeActivity(first, [item("2", "2025-01-01T10:01:00Z", { text: "updated" }), item("3", "2025-01-01T10:03:00Z")]);
    expect(again.map((i) => i.id)).toEqual(["3", "2", "1"]);
    expect(again[1]!.text).toBe("updated");
  });

  it("keeps at most `limit` items, dropping the oldest", () => {
    const items = Array.from({ length: 10 }, (_, i) => item(String(i), new Date(Date.UTC(2025, 0, 1, 10, i)).toISOString()));
    expect(mergeActivity([], items, 3).map((i) => i.id)).toEqual(["9", "8", "7"]);
  });

  it("returns the same array when nothing arrives", () => {
    const feed = mergeActivity([], [item("1", "2025-01-01T10:00:00Z")]);
    expect(mergeActivity(feed, [])).toBe(feed);
  });
});

describe("feed helpers", () => {
  it("marks escalations and warnings red", () => {
    expect(isAlarming(item("1", "x", { kind: "escalation" }))).toBe(true);
    expect(isAlarming(item("1", "x", { kind: "approval", severity: "warning" }))).toBe(true);
    expect(isAlarming(item("1", "x", { kind: "hand-off" }))).toBe(false);
  });

  it("formats ages for cards and the feed", () => {
    const now = 1_000_000_000;
    expect(formatAge(now - 10_000, now)).toBe("now");
    expect(formatAge(now - 5 * 60_000, now)).toBe("5m");
    expect(formatAge(now - 3 * 3_600_000, now)).toBe("3h");
    expect(formatAge(now - 2 * 86_400_000, now)).toBe("2d");
    expect(formatAge(now + 5000, now)).toBe("now");
    expect(formatAgo(now - 10_000, now)).toBe("just now");
    expect(formatAgo(now - 4 * 60_000, now)).toBe("4 min ago");
  });
});
