import { describe, expect, it } from "vitest";
import type { TaskMeta } from "../../engine/store";
import { districtWorkText } from "../map/map-live";
import { agentLabel, districtWork } from "./live-map-scene";

const task = (id: string, status: string, district: string, updatedAt: number, title = id): TaskMeta => ({
  id,
  title,
  status,
  district,
  assigneeKind: "agent",
  assignee: "iris",
  createdAt: 0,
  updatedAt,
  escalated: false,
  artifacts: 0,
});

describe("the live map's labels", () => {
  it("labels an agent with its task, else its reason", () => {
    expect(agentLabel("working", "writing", "Weekly brief")).toBe("working · Weekly brief");
    expect(agentLabel("waiting-for-human", "", "Ship it")).toBe("waiting for you · Ship it");
    expect(agentLabel("offline", "upstream 500", null)).toBe("offline: upstream 500");
    expect(agentLabel("idle", "", null)).toBe("idle");
    expect(agentLabel("working", "", "x".repeat(80)).endsWith("…")).toBe(true);
  });

  it("counts each district's tasks in flight, done ones left out, and names the latest", () => {
    const work = districtWork({
      a: task("a", "doing", "lab", 5, "Probe"),
      b: task("b", "review", "lab", 9, "Survey"),
      c: task("c", "done", "lab", 20),
      d: task("d", "blocked", "yard", 1),
      e: task("e", "todo", "", 1),
    });
    expect(work.get("lab")).toEqual({ open: 2, doing: 1, review: 1, blocked: 0, latest: "Survey" });
    expect(districtWorkText(work.get("lab")!)).toBe("2 open · 1 doing · 1 review");
    expect(districtWorkText(work.get("yard")!)).toBe("1 open · 1 blocked");
    expect(work.has("")).toBe(false);
  });
});
