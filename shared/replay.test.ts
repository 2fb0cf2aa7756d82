import { describe, expect, it } from "vitest";
import {
  agentAt,
  agentsAt,
  countUpTo,
  indexTimeline,
  reduceTasks,
  REPLAY_MAX_BLEND_GAP_MS,
  REPLAY_SPEECH_LINGER_MS,
  speechAt,
  tasksAt,
  worldAt,
  type AgentAt,
  type ReplayMessage,
  type ReplayPose,
  type ReplayTask,
  type ReplayTaskEvent,
  type ReplayTimeline,
} from "./replay";

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function pose(at: number, agentId: string, x: number, z: number, state = "idle", extra: Partial<ReplayPose> = {}): ReplayPose {
  return { at: T0 + at, agentId, x, z, yaw: 0, state, reason: "", taskId: null, ...extra };
}

let eventId = 0;
function ev(at: number, taskId: string, kind: string, data: Record<string, unknown> = {}, actor = "cleo"): ReplayTaskEvent {
  return { id: ++eventId, at: T0 + at, taskId, actor, kind, data };
}

function msg(at: number, fromId: string, text: string, fromKind: ReplayMessage["fromKind"] = "agent"): ReplayMessage {
  return { id: at, at: T0 + at, fromId, fromKind, toId: null, text, llmCallId: fromKind === "agent" ? 7 : null };
}

function timeline(parts: Partial<ReplayTimeline>): ReplayTimeline {
  return {
    workspace: "main",
    from: T0,
    to: T0 + 60_000,
    truncated: false,
    world: { name: "w", campusRadius: 60, plaza: { radius: 12, colour: "#ccc" }, districts: [] },
    agents: [
      { id: "cleo", name: "Cleo", role: "Coordinator", colour: "#c084fc", home: "market-hall" },
      { id: "iris", name: "Iris", role: "Researcher", colour: "#38bdf8", home: "research-lab" },
    ],
    initial: { poses: [], tasks: [] },
    poses: [],
    taskEvents: [],
    messages: [],
    toolCalls: [],
    llmCalls: [],
    ...parts,
  };
}

const scratch = (): AgentAt => ({ agentId: "", x: 0, z: 0, yaw: 0, state: "", reason: "", taskId: null, moving: false });

describe("countUpTo", () => {
  it("counts the items at or before t, with ties included", () => {
    const list = [{ at: 1 }, { at: 2 }, { at: 2 }, { at: 5 }];
    expect([0, 1, 2, 3, 5, 9].map((t) => countUpTo(list, t))).toEqual([0, 1, 3, 3, 4, 4]);
    expect(countUpTo([], 3)).toBe(0);
  });
});

describe("tasks rebuilt from their events", () => {
  const created = ev(0, "T-1", "created", { title: "Brief", status: "todo", assignee: null, district: "research-lab" });
  const events = [
    created,
    ev(1000, "T-1", "assigned", { from: null, to: { kind: "agent", id: "iris" } }),
    ev(2000, "T-1", "status", { from: "todo", to: "doing" }, "iris"),
    ev(3000, "T-1", "artifact", { artifactId: "A-1" }, "iris"),
    ev(3500, "T-1", "escalated", { reason: "stuck" }, "iris"),
    ev(4000, "T-1", "handoff", { from: { kind: "agent", id: "iris" }, to: { kind: "agent", id: "bram" }, note: "over to you" }, "iris"),
    ev(5000, "T-1", "notes", { notes: "hi" }, "bram"),
    ev(6000, "T-1", "status", { from: "doing", to: "review" }, "bram"),
  ];

  it("follows status, assignee, hand-offs, artifacts and escalation", () => {
    const t = reduceTasks([], events).get("T-1")!;
    expect(t).toMatchObject({ title: "Brief", district: "research-lab", status: "review", assignee: { kind: "agent", id: "bram" }, artifacts: 1, createdBy: "cleo" });
    // A status change after the escalation clears the red flag.
    expect(t.escalated).toBe(false);
    expect(t.createdAt).toBe(T0);
    expect(t.updatedAt).toBe(T0 + 6000);
  });

  it("shows the board as it was at each moment", () => {
    const index = indexTimeline(timeline({ taskEvents: events }));
    expect(tasksAt(index, T0 - 1)).toEqual([]);
    expect(tasksAt(index, T0 + 500)[0]).toMatchObject({ status: "todo", assignee: null });
    expect(tasksAt(index, T0 + 2500)[0]).toMatchObject({ status: "doing", assignee: { id: "iris" } });
    expect(tasksAt(index, T0 + 3700)[0]).toMatchObject({ escalated: true, artifacts: 1 });
    expect(tasksAt(index, T0 + 4500)[0]).toMatchObject({ status: "doing", assignee: { id: "bram" } });
    expect(tasksAt(index, T0 + 60_000)[0]).toMatchObject({ status: "review" });
  });

  it("starts from the snapshot at `from` without changing it", () => {
    const initial: ReplayTask[] = [
      { id: "T-0", title: "Old", district: null, status: "doing", assignee: { kind: "person", id: "Ada" }, createdBy: "Ada", createdAt: T0 - 9000, updatedAt: T0 - 9000, escalated: false, artifacts: 2 },
    ];
    const index = indexTimeline(timeline({ initial: { poses: [], tasks: initial }, taskEvents: [ev(100, "T-0", "status", { from: "doing", to: "done" })] }));
    expect(tasksAt(index, T0)[0]!.status).toBe("doing");
    expect(tasksAt(index, T0 + 200)[0]!.status).toBe("done");
    expect(initial[0]!.status).toBe("doing"); // the snapshot itself is never changed
  });

  it("ignores events of unknown tasks and nonsense statuses", () => {
    const tasks = reduceTasks([], [ev(0, "T-9", "status", { to: "done" }), created, ev(1, "T-1", "status", { to: "exploded" })]);
    expect([...tasks.keys()]).toEqual(["T-1"]);
    expect(tasks.get("T-1")!.status).toBe("todo");
  });

  it("orders the board by creation time", () => {
    const index = indexTimeline(
      timeline({ taskEvents: [ev(0, "T-b", "created", { title: "B" }), ev(10, "T-a", "created", { title: "A" })] }),
    );
    expect(tasksAt(index, T0 + 20).map((t) => t.title)).toEqual(["B", "A"]);
  });
});

describe("agents at a moment", () => {
  const walk = [
    pose(0, "iris", 0, 0, "walking"),
    pose(500, "iris", 1, 0, "walking"),
    pose(1000, "iris", 2, 2, "idle", { reason: "arrived", taskId: "T-1" }),
    // Stood still for a long time, then was found elsewhere (not walking): no blending.
    pose(1000 + REPLAY_MAX_BLEND_GAP_MS * 10, "iris", 9, 9, "working"),
  ];

  it("blends position between samples while walking, and takes state from the last sample", () => {
    const index = indexTimeline(timeline({ initial: { poses: [walk[0]!], tasks: [] }, poses: walk.slice(1) }));
    const a = scratch();
    expect(agentAt(index, "iris", T0 + 250, a)).toBe(true);
    expect(a).toMatchObject({ x: 0.5, z: 0, state: "walking", moving: true });
    agentAt(index, "iris", T0 + 750, a);
    expect(a.x).toBeCloseTo(1.5);
    expect(a.z).toBeCloseTo(1);
    agentAt(index, "iris", T0 + 1000, a);
    expect(a).toMatchObject({ x: 2, z: 2, state: "idle", reason: "arrived", taskId: "T-1" });
  });

  it("holds a still agent in place across a long gap instead of sliding it", () => {
    const index = indexTimeline(timeline({ poses: walk }));
    const a = scratch();
    agentAt(index, "iris", T0 + 1000 + REPLAY_MAX_BLEND_GAP_MS * 5, a);
    expect(a).toMatchObject({ x: 2, z: 2, moving: false });
    agentAt(index, "iris", T0 + 1000 + REPLAY_MAX_BLEND_GAP_MS * 10, a);
    expect(a).toMatchObject({ x: 9, z: 9, state: "working" });
  });

  it("has no agent before its first sample", () => {
    const index = indexTimeline(timeline({ poses: walk }));
    expect(agentAt(index, "iris", T0 - 1, scratch())).toBe(false);
    expect(agentAt(index, "nobody", T0 + 1, scratch())).toBe(false);
    expect(agentsAt(index, T0 - 1)).toEqual([]);
  });

  it("turns the short way round", () => {
    const index = indexTimeline(
      timeline({ poses: [pose(0, "cleo", 0, 0, "walking", { yaw: Math.PI - 0.1 }), pose(100, "cleo", 0, 1, "walking", { yaw: -Math.PI + 0.1 })] }),
    );
    const a = scratch();
    agentAt(index, "cleo", T0 + 50, a);
    expect(Math.abs(a.yaw)).toBeCloseTo(Math.PI);
  });

  it("lists roster agents first, then any other agent that was sampled", () => {
    const index = indexTimeline(timeline({ poses: [pose(0, "zed", 0, 0), pose(0, "iris", 1, 1), pose(0, "cleo", 2, 2)] }));
    expect(agentsAt(index, T0).map((a) => a.agentId)).toEqual(["cleo", "iris", "zed"]);
  });
});

describe("speech at a moment", () => {
  const messages = [msg(0, "cleo", "Hello"), msg(1000, "Ada", "Hi Cleo", "person"), msg(2000, "cleo", "On it"), msg(3000, "iris", "Reading")];

  it("shows each agent's latest utterance while it lingers, never people's", () => {
    const index = indexTimeline(timeline({ messages }));
    expect(speechAt(index, T0 + 500).get("cleo")!.text).toBe("Hello");
    const at = speechAt(index, T0 + 3000);
    expect(at.get("cleo")!.text).toBe("On it");
    expect(at.get("iris")!.text).toBe("Reading");
    expect(at.has("Ada")).toBe(false);
    expect(speechAt(index, T0 + 2000 + REPLAY_SPEECH_LINGER_MS).has("cleo")).toBe(false);
    expect(speechAt(index, T0 + 2000 + REPLAY_SPEECH_LINGER_MS - 1).has("cleo")).toBe(true);
  });

  it("worldAt puts agents, board and speech together", () => {
    const index = indexTimeline(
      timeline({ messages, poses: [pose(0, "cleo", 1, 2, "speaking")], taskEvents: [ev(10, "T-1", "created", { title: "X" })] }),
    );
    const w = worldAt(index, T0 + 20);
    expect(w.agents).toHaveLength(1);
    expect(w.tasks.map((t) => t.id)).toEqual(["T-1"]);
    expect(w.speech.get("cleo")!.text).toBe("Hello");
  });
});
