import { describe, expect, it } from "vitest";
import { ABSENT_PERSON_COLOUR, UNASSIGNED_COLOUR, assigneeColour, assigneeName, boardColumns, clip, wallArtifacts } from "./boards";
import type { AgentMeta, ArtifactMeta, PersonMeta, TaskMeta } from "./store";

function task(id: string, extra: Partial<TaskMeta> = {}): TaskMeta {
  return { id, title: id, status: "todo", district: "lab", assigneeKind: "", assignee: "", createdAt: 0, updatedAt: 0, escalated: false, artifacts: 0, ...extra };
}
const agents: Record<string, AgentMeta> = {
  iris: { id: "iris", name: "Iris", role: "Researcher", colour: "#38bdf8", shape: "sphere", state: "idle", reason: "", taskId: "", brain: "offline" },
};
const people: Record<string, PersonMeta> = { s1: { id: "s1", name: "Ada", colour: "#ff0000", mode: "desktop", connected: true } };

describe("boardColumns", () => {
  it("puts each card of the district in its status column, most recently changed first", () => {
    const tasks = {
      a: task("a", { status: "doing", updatedAt: 1 }),
      b: task("b", { status: "doing", updatedAt: 5 }),
      c: task("c", { status: "blocked" }),
      d: task("d", { district: "elsewhere" }),
      e: task("e", { status: "mystery" }),
    };
    const cols = boardColumns(tasks, "lab");
    expect(cols.map((c) => c.status)).toEqual(["todo", "doing", "review", "done", "blocked"]);
    expect(cols.map((c) => c.cards.map((t) => t.id))).toEqual([["e"], ["b", "a"], [], [], ["c"]]);
  });

  it("counts the cards that do not fit", () => {
    const tasks: Record<string, TaskMeta> = {};
    for (let i = 0; i < 9; i++) tasks[`t${i}`] = task(`t${i}`, { status: "done", updatedAt: i });
    const done = boardColumns(tasks, "lab", 6)[3]!;
    expect(done.cards.map((t) => t.id)).toEqual(["t8", "t7", "t6", "t5", "t4", "t3"]);
    expect(done.more).toBe(3);
  });
});

describe("assignees", () => {
  it("uses the agent's colour and name, the person's colour, or grey", () => {
    expect(assigneeColour(task("a", { assigneeKind: "agent", assignee: "iris" }), agents, people)).toBe("#38bdf8");
    expect(assigneeName(task("a", { assigneeKind: "agent", assignee: "iris" }), agents)).toBe("Iris");
    expect(assigneeColour(task("a", { assigneeKind: "person", assignee: "Ada" }), agents, people)).toBe("#ff0000");
    expect(assigneeColour(task("a", { assigneeKind: "person", assignee: "Gone" }), agents, people)).toBe(ABSENT_PERSON_COLOUR);
    expect(assigneeColour(task("a"), agents, people)).toBe(UNASSIGNED_COLOUR);
    expect(assigneeName(task("a"), agents)).toBe("unassigned");
  });
});

describe("wallArtifacts and clip", () => {
  it("lists a district's artifacts newest first, capped", () => {
    const art = (id: string, createdAt: number, district = "lab"): ArtifactMeta => ({ id, title: id, kind: "markdown", taskId: "", district, createdBy: "iris", createdAt });
    const all = { a: art("a", 1), b: art("b", 3), c: art("c", 2), d: art("d", 9, "other") };
    expect(wallArtifacts(all, "lab", 2).map((a) => a.id)).toEqual(["b", "c"]);
  });

  it("clips long text with an ellipsis and squeezes whitespace", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("a  very\nlong title indeed", 10)).toBe("a very lo…");
  });
});
