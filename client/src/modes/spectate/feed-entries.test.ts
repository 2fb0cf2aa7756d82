import { describe, expect, it } from "vitest";
import type { ActivityItem } from "../../../../shared/protocol/work-messages";
import { FEED_SPEECH_MAX_CHARS, fromActivity, fromAgentTrouble, fromSpeech, mergeFeed } from "./feed-entries";

const item = (id: string, kind: ActivityItem["kind"], at: string, severity: ActivityItem["severity"] = "info"): ActivityItem => ({
  id,
  at,
  kind,
  actor: "iris",
  actorName: "Iris",
  text: `${kind} ${id}`,
  taskId: null,
  artifactId: null,
  district: null,
  severity,
});

describe("the spectator feed", () => {
  it("turns activity into feed entries, escalations and warnings in red", () => {
    expect(fromActivity(item("1", "hand-off", "2026-01-01T10:00:00.000Z"))).toEqual({
      id: "a:1",
      at: Date.parse("2026-01-01T10:00:00.000Z"),
      kind: "hand-off",
      actorName: "Iris",
      text: "hand-off 1",
      severity: "info",
    });
    expect(fromActivity(item("2", "escalation", "2026-01-01T10:00:00Z")).severity).toBe("warning");
    expect(fromActivity(item("3", "approval", "2026-01-01T10:00:00Z", "warning")).severity).toBe("warning");
    expect(fromActivity(item("4", "task-created", "2026-01-01T10:00:00Z")).kind).toBe("task");
    expect(fromActivity(item("5", "approval-asked", "2026-01-01T10:00:00Z")).kind).toBe("approval-asked");
  });

  it("quotes finished utterances, shortened", () => {
    const e = fromSpeech("iris", "Iris", "u1", "  Hello\n  there  ", 5);
    expect(e).toMatchObject({ id: "s:iris:u1", kind: "speech", text: "“Hello there”", at: 5 });
    expect(fromSpeech("iris", "Iris", "u2", "x".repeat(500), 5).text.length).toBe(FEED_SPEECH_MAX_CHARS + 2);
  });

  it("reports agents that go offline, stop on an error or hit their budget; nothing else", () => {
    expect(fromAgentTrouble("iris", "Iris", "offline", "upstream 500 ×3", 1, 7)).toMatchObject({ id: "e:iris:7", kind: "error", severity: "warning", text: "Iris is offline: upstream 500 ×3" });
    expect(fromAgentTrouble("iris", "Iris", "idle", "error: tool failed", 1, 8)?.text).toBe("Iris stopped: error: tool failed");
    expect(fromAgentTrouble("iris", "Iris", "paused", "budget reached ($2.00 of $2.00)", 1, 9)?.kind).toBe("error");
    expect(fromAgentTrouble("iris", "Iris", "working", "writing notes", 1, 10)).toBeNull();
    expect(fromAgentTrouble("iris", "Iris", "paused", "paused by the owner", 1, 11)).toBeNull();
  });

  it("merges newest first, once per id, up to the limit; the same array when nothing is new", () => {
    const a = fromSpeech("a", "A", "1", "one", 10);
    const b = fromSpeech("b", "B", "1", "two", 30);
    const c = fromSpeech("c", "C", "1", "three", 20);
    const feed = mergeFeed([], [a, b]);
    expect(feed.map((e) => e.at)).toEqual([30, 10]);
    expect(mergeFeed(feed, [a])).toBe(feed);
    expect(mergeFeed(feed, [c, a]).map((e) => e.at)).toEqual([30, 20, 10]);
    expect(mergeFeed(feed, [c], 2).map((e) => e.at)).toEqual([30, 20]);
  });
});
