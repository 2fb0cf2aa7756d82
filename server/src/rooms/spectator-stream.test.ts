import path from "node:path";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type QuestionPayload } from "../../../shared/protocol/messages";
import type { ActivityItem } from "../../../shared/protocol/work-messages";
import type { WorkspaceState } from "../../../shared/state";
import { STATS_BUCKET_MS } from "../../../shared/stats";
import { STATS_PUSH_DELAY_MS, STATS_PUSH_MESSAGE, type StatsPush } from "../../../shared/stats-push";
import { loadRoster } from "../agents/roster";
import { createLogger } from "../logger";
import { until } from "../testing/harness";
import { SpectatorStream } from "./spectator-stream";
import { sleep, useWorkspaceRoomServer } from "./workspace-room-fixtures";
import type { WorkspaceRoom } from "./workspace-room";

// What a spectator is spared and what it is pushed, in a real room with SDK clients: a person
// and a wall screen in the same workspace, the agents' tools run through the room's own wiring.

const server = useWorkspaceRoomServer("spectator-stream");
const iso = (ms: number) => new Date(ms).toISOString();
const bucketOf = (ms: number) => Math.floor(ms / STATS_BUCKET_MS) * STATS_BUCKET_MS;

/** An SDK client that records every message by type (no handler of its own, so "*" sees them all). */
interface Listener {
  room: ClientRoom<unknown, WorkspaceState>;
  got: Array<{ type: string; payload: unknown }>;
  of<T>(type: string): T[];
}

async function listen(workspace: string, name: string, role?: "spectator"): Promise<Listener> {
  const room = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name, ...(role ? { role } : {}) });
  const got: Listener["got"] = [];
  room.onMessage("*", (type: string | number, payload: unknown) => got.push({ type: String(type), payload }));
  server.track({ room, worlds: [], errors: [], activity: [], backlogs: [], poses: new Map() });
  await until(`${name}'s welcome`, () => got.some((m) => m.type === "activity-backlog"), 3000);
  return { room, got, of: <T,>(type: string) => got.filter((m) => m.type === type).map((m) => m.payload as T) };
}

const serverRoomOf = (l: Listener) => server.colyseus.getRoomById<WorkspaceRoom>(l.room.roomId);

describe("spectators", () => {
  it("are spared questions, their closing and hand-off messages, and still get the feed's items of them", async () => {
    const workspace = server.freshWorkspace();
    const ada = await listen(workspace, "Ada");
    const wall = await listen(workspace, "Wall", "spectator");
    const room = serverRoomOf(ada);
    const { runtime } = room;

    // mira asks; Ada gets the question, the wall does not, nor does a wall that joins while it is open.
    const asked = runtime.tools.run(runtime.agents.get("mira")!, "ask_human", JSON.stringify({ question: "Ship the brief?", options: ["Ship", "Wait"] }));
    const q = await until("Ada's question", () => ada.of<QuestionPayload>(ServerMessage.Question).find((x) => x.agentId === "mira"), 3000);
    const late = await listen(workspace, "Late wall", "spectator");
    const lateAda = await listen(workspace, "Bo");
    expect(lateAda.of<QuestionPayload>(ServerMessage.Question).map((x) => x.requestId)).toContain(q.requestId);
    expect(runtime.tools.answer(q.requestId, "Ship", "", "Ada")).toBeNull();
    await asked;
    await until("Ada's question-closed", () => ada.of(ServerMessage.QuestionClosed).length > 0, 3000);

    // iris hands a task to bram: Ada gets the hand-off message; the wall gets the feed item, whose from/to draw the arc.
    const task = await server.atrium.store.work.createTask({ workspace, title: "Weekly brief", description: "", district: "research-lab", assignee: { kind: "agent", id: "iris" }, createdBy: "Ada" });
    const handed = await runtime.tools.run(runtime.agents.get("iris")!, "hand_off", JSON.stringify({ task_id: task.id, to_agent: "bram", note: "over to you" }));
    expect(handed.ok).toBe(true);
    await until("Ada's hand-off", () => ada.of(ServerMessage.HandOff).length > 0, 3000);
    const item = await until("the wall's hand-off item", () => wall.of<ActivityItem>("activity").find((a) => a.kind === "hand-off" && a.taskId === task.id), 3000);
    expect(item).toMatchObject({ from: "iris", to: "bram" });
    await sleep(200);

    for (const w of [wall, late]) {
      const types = new Set(w.got.map((m) => m.type));
      for (const spared of [ServerMessage.Question, ServerMessage.QuestionClosed, ServerMessage.HandOff]) expect(types.has(spared), `${spared} reached a spectator`).toBe(false);
    }
    // The feed's items of the question and its answer reach the wall as they reach Ada.
    const kinds = (l: Listener) => l.of<ActivityItem>("activity").filter((a) => a.actor === "mira" || a.actor === "Ada").map((a) => a.kind);
    await until("the wall's items of the question and answer", () => kinds(wall).includes("approval") || null, 3000);
    expect(kinds(wall)).toEqual(kinds(ada));
    expect(kinds(wall)).toEqual(expect.arrayContaining(["approval-asked", "approval"]));
  });

  it("get each closed bucket's LLM figures once, pushed to them alone; a quiet bucket sends nothing; a late call is sent again", async () => {
    const workspace = server.freshWorkspace();
    const ada = await listen(workspace, "Ada");
    const wall = await listen(workspace, "Wall", "spectator");
    const room = serverRoomOf(ada);
    const store = server.atrium.store;
    const roster = loadRoster(path.resolve(__dirname, "../../../config/agents.yaml"), server.atrium.world);
    const ids = roster.agents.map((a) => a.id);
    // Buckets well in the past, so the room's own pushes (buckets near now) are told apart by t.
    const B = bucketOf(Date.now()) - 60 * STATS_BUCKET_MS;
    const call = async (agentId: string, doneAt: number, latencyMs: number, fields: { tokens?: [number, number]; costUsd?: number; outcome?: string; ttftMs?: number }) => {
      const id = await store.llm.recordLlmCall({
        workspace,
        agentId,
        model: "gpt-test",
        request: { messages: [] },
        promptTokens: fields.tokens?.[0] ?? 0,
        completionTokens: fields.tokens?.[1] ?? 0,
        costUsd: fields.costUsd ?? 0,
        latencyMs,
        ttftMs: fields.ttftMs ?? null,
        outcome: fields.outcome ?? "ok",
      });
      await store.db.updateTable("llm_calls").set({ at: iso(doneAt - latencyMs) }).where("id", "=", id).execute();
    };
    await call("iris", B + 2_000, 800, { tokens: [100, 20], costUsd: 0.002, ttftMs: 300 });
    await call("iris", B + 4_000, 1_200, { outcome: "http_500", ttftMs: 500 });
    await call("bram", B + 9_000, 400, { tokens: [50, 10], costUsd: 0.001, ttftMs: 200 });

    // A stream of the test's own on the same room and clients, with a clock the test moves.
    let now = B + STATS_PUSH_DELAY_MS;
    const stream = new SpectatorStream({ workspace, clients: room.clients, seats: room.seats, clock: { setInterval: () => undefined }, broadcast: () => undefined }, store, roster, createLogger("silent"), () => now);
    const pushed = () => wall.of<StatsPush>(STATS_PUSH_MESSAGE).filter((p) => p.b.length > 0 && p.b.every((b) => b[0] < B + 10 * STATS_BUCKET_MS));
    // The first push says what it starts from: the brain, and the done count of the bucket before B (quiet).
    await stream.tick();
    const start = await until("the first push", () => pushed()[0], 3000);
    expect(start.brain).toBeDefined();
    expect(start.b.map((b) => [b[0], b[1], b[8]])).toEqual([[B - STATS_BUCKET_MS, 0, 0]]);
    now = B + STATS_BUCKET_MS + STATS_PUSH_DELAY_MS - 1; // B has closed, but its delay has not passed
    await stream.tick();
    now += 1;
    await stream.tick();
    await stream.tick(); // once only
    const first = await until("the push of bucket B", () => pushed()[1], 3000);
    expect(first.n).toBe(ids.length);
    expect(first.brain).toBeUndefined();
    expect(first.b).toHaveLength(1);
    const [t, calls, errors, tokens, cost, ttft, latency, p95, done, agents] = first.b[0]!;
    expect([t, calls, errors, tokens, cost, ttft, latency, p95, done]).toEqual([B, 3, 1, 180, 0.003, 300, 800, 1200, 0]);
    expect(agents).toEqual([ids.indexOf("iris"), 120, 0.002, 2, 1, ids.indexOf("bram"), 60, 0.001, 1, 0]);

    // The next bucket is quiet: nothing is sent.
    now += STATS_BUCKET_MS;
    await stream.tick();
    // A call that finished in it is saved late: the bucket after sends it again, with nothing new of its own.
    await call("otto", B + STATS_BUCKET_MS + 5_000, 700, { tokens: [10, 5], costUsd: 0.0005 });
    now += STATS_BUCKET_MS;
    await stream.tick();
    const second = await until("the late call's push", () => pushed()[2], 3000);
    expect(second.brain).toBeUndefined();
    expect(second.b.map((b) => [b[0], b[1], b[3]])).toEqual([[B + STATS_BUCKET_MS, 1, 15]]);
    await sleep(200);
    expect(pushed()).toHaveLength(3);
    expect(stream.pushes).toBe(3);
    // A person is never sent the figures.
    expect(ada.of(STATS_PUSH_MESSAGE)).toEqual([]);
  });

  it("get the room's own pushes as the offline planner works (brain offline), and a room with no spectator reads nothing", async () => {
    const workspace = server.freshWorkspace();
    const ada = await listen(workspace, "Ada"); // starts the demo work
    const room = serverRoomOf(ada);
    await sleep(STATS_BUCKET_MS + STATS_PUSH_DELAY_MS + 500);
    expect(room.spectators.pushes).toBe(0);
    const joined = Date.now();
    const wall = await listen(workspace, "Wall", "spectator");
    // The demo's decisions come seconds apart and may all lie in buckets already closed, so ask
    // otto (whom the demo does not reach) something: his decision lands in a bucket still to come.
    expect(room.runtime.deliver("otto", { kind: "message", from: { id: "system", name: "Atrium", kind: "system" }, text: "What are you working on?" })).toBe(true);
    const first = await until("a push from the room", () => wall.of<StatsPush>(STATS_PUSH_MESSAGE)[0], STATS_BUCKET_MS + 5_000, 100);
    expect(first.brain).toBe("offline");
    const withCalls = await until("a push counting the planner's decisions", () => wall.of<StatsPush>(STATS_PUSH_MESSAGE).find((p) => p.b.some((b) => b[1] > 0)), 2 * STATS_BUCKET_MS + 5_000, 100);
    expect(withCalls.b.at(-1)![0]).toBeGreaterThanOrEqual(bucketOf(joined - STATS_PUSH_DELAY_MS) - STATS_BUCKET_MS);
    expect(ada.of(STATS_PUSH_MESSAGE)).toEqual([]);
  }, 60_000);
});
