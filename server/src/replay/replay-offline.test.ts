import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type QuestionPayload } from "../../../shared/protocol/messages";
import { indexTimeline, OFFLINE_PLANNER_MODEL, tasksAt, type ReplayLlmCall, type ReplayTimeline } from "../../../shared/replay";
import type { WorkspaceState } from "../../../shared/state";
import type { Atrium } from "../app";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import { expectProvenance, expectSameEndState, fetchTimeline, getJson, liveRoom } from "./replay-fixtures";

let server: TestAtrium;
let atrium: Atrium;
let colyseus: ColyseusTestServer;

beforeAll(async () => {
  server = await startTestAtrium({ name: "replay-offline", options: { offline: { thinkMs: 20, workMs: 50 } } });
  ({ atrium, colyseus } = server);
});

afterAll(async () => {
  await server?.close();
});

async function join(workspace: string, name: string) {
  const room: ClientRoom<unknown, WorkspaceState> = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name });
  const questions: QuestionPayload[] = [];
  room.onMessage("*", () => undefined);
  room.onMessage(ServerMessage.Question, (q: QuestionPayload) => questions.push(q));
  await room.waitForInitialState();
  return { room, questions };
}

describe("replay of offline agents in a real room", () => {
  const ws = "replay-flow";
  let timeline: ReplayTimeline;
  let taskId: string;
  /** Ada stays in the room until the end: an empty room is disposed, and the live state with it. */
  let ada: Awaited<ReturnType<typeof join>>;

  it("records a run from kick-off through hand-offs and an approval to done", async () => {
    ada = await join(ws, "Ada");
    const question = await until("an approval question", () => ada.questions[0], 30_000);
    ada.room.send("answer", { requestId: question.requestId, choice: "Approve" });
    taskId = question.taskId!;
    await until("the task done", async () => (await atrium.store.work.getTask(taskId))?.status === "done", 15_000);
    await until("every agent idle", () => [...ada.room.state.agents.values()].every((a) => a.state === "idle"), 15_000);
    // The offline plan works where each agent stands, so walk them about through the runtime
    // (what move_to does), and stop one half-way: the replay must put them where they ended.
    const runtime = liveRoom(atrium, ws).runtime;
    const walks = [...runtime.agents.values()].map((agent, i) =>
      runtime.walkTo(agent, agent.view.x * 0.7 + i, agent.view.z * 0.7 - i).catch((err: Error) => err.name),
    );
    const stopped = runtime.agents.get("otto")!;
    await until("Otto half-way", () => Math.hypot(stopped.view.x, stopped.view.z) < 26, 15_000);
    runtime.free(stopped, "stopped by the test");
    expect(await Promise.all(walks)).toContain("AgentFreedError");
    await until("every agent idle again", () => [...ada.room.state.agents.values()].every((a) => a.state === "idle"), 15_000);
    await new Promise((r) => setTimeout(r, 150)); // a few more ticks: the recorder has the final poses
    timeline = await fetchTimeline(server.url, ws);
    expect(timeline.poses.filter((p) => p.state === "walking").length).toBeGreaterThan(10);
    expect(timeline.taskEvents.map((e) => e.kind)).toEqual(expect.arrayContaining(["created", "status", "handoff", "artifact", "approval"]));
  });

  it("ends in the same state as the live room: tasks, agent states and positions", async () => {
    await expectSameEndState(atrium, ws, timeline);
  });

  it("shows the task's journey when scrubbed: todo or doing, review, then done", () => {
    const index = indexTimeline(timeline);
    const statuses: string[] = [];
    for (let t = timeline.from; t <= timeline.to; t += 50) {
      const s = tasksAt(index, t).find((x) => x.id === taskId)?.status;
      if (s && statuses.at(-1) !== s) statuses.push(s);
    }
    expect(statuses.at(-1)).toBe("done");
    expect(statuses).toContain("review");
    expect(statuses).toContain("doing");
  });

  it("links every utterance and tool run to the offline planner decision behind it", async () => {
    const says = (c: ReplayLlmCall, text: string) =>
      (c.response as { toolCalls: Array<{ name: string; arguments: string }> }).toolCalls.some((t) => t.name === "say" && (JSON.parse(t.arguments) as { text: string }).text === text);
    const calls = await expectProvenance(server.url, timeline, says);
    for (const c of calls.values()) {
      expect(c.model).toBe(OFFLINE_PLANNER_MODEL);
      expect(c.offline).toBe(true);
      expect(c.outcome).toBe("ok");
      expect(c.costUsd).toBe(0);
      const messages = (c.request as { messages: Array<{ role: string; content: string }> }).messages;
      expect(messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("no language model is configured") });
      expect(messages[1]!.role).toBe("user");
    }
    // The kick-off decision's request is the event it handled.
    const kickoff = [...calls.values()].find((c) => JSON.stringify(c.request).includes("Prepare this week's team brief"));
    expect(kickoff?.agentId).toBe("cleo");
    expect(timeline.llmCalls.filter((c) => c.offline).length).toBe(timeline.llmCalls.length);
    // Every call something links to is in the window's list, the very first (the kick-off) included.
    expect(timeline.llmCalls.map((c) => c.id)).toEqual(expect.arrayContaining([...calls.keys()]));
  });

  it("keeps agent samples cheap: state changes at once, walking poses throttled", () => {
    const byAgent = new Map<string, number[]>();
    for (const p of timeline.poses) byAgent.set(p.agentId, [...(byAgent.get(p.agentId) ?? []), p.at]);
    for (const [agent, times] of byAgent) {
      const walking = timeline.poses.filter((p) => p.agentId === agent && p.state === "walking");
      // Consecutive walking samples of one agent are at least ~500 ms apart, give or take a tick.
      for (let i = 1; i < walking.length; i++) {
        const prev = walking[i - 1]!;
        const cur = walking[i]!;
        if (prev.reason === cur.reason && prev.taskId === cur.taskId) expect(cur.at - prev.at, `${agent} sampled too often`).toBeGreaterThanOrEqual(450);
      }
      expect(times.length).toBeGreaterThan(0);
    }
  });

  it("answers a window in the past with the world as it was then", async () => {
    const mid = Math.round((timeline.from + timeline.to) / 2);
    const { status, body } = await getJson<ReplayTimeline>(`${server.url}/api/replay?workspace=${ws}&from=${mid}&to=${timeline.to}`);
    expect(status).toBe(200);
    expect(body.from).toBe(mid);
    expect(body.initial.poses.length).toBe(5);
    expect(body.poses.every((p) => p.at > mid && p.at <= timeline.to)).toBe(true);
    // The board at `mid` from the later window's snapshot equals the full timeline's board at `mid`.
    const full = tasksAt(indexTimeline(timeline), mid);
    const fromSnapshot = tasksAt(indexTimeline(body), mid);
    expect(fromSnapshot).toEqual(full);
    // And both windows end the same.
    expect(tasksAt(indexTimeline(body), timeline.to)).toEqual(tasksAt(indexTimeline(timeline), timeline.to));
    // ISO times work too.
    const iso = await getJson<ReplayTimeline>(`${server.url}/api/replay?workspace=${ws}&from=${new Date(mid).toISOString()}&to=${timeline.to}`);
    expect(iso.body.from).toBe(mid);
  });

  it("refuses bad input with a 400 and a clear sentence, and unknown things with a 404", async () => {
    const bad = async (q: string) => (await getJson<{ error: string }>(`${server.url}${q}`)) as { status: number; body: { error: string } };
    expect(await bad("/api/replay?workspace=Not_Valid")).toMatchObject({ status: 400, body: { error: expect.stringMatching(/workspace must be lower-case/) } });
    expect(await bad(`/api/replay?workspace=${ws}&from=yesterday`)).toMatchObject({ status: 400, body: { error: 'from must be epoch milliseconds or an ISO-8601 time, got "yesterday"' } });
    expect(await bad(`/api/replay?workspace=${ws}&from=2000&to=1000`)).toMatchObject({ status: 400, body: { error: "from must not be after to" } });
    expect(await bad(`/api/replay?workspace=${ws}&from=1&from=2`)).toMatchObject({ status: 400, body: { error: "from must be given once, as plain text" } });
    expect(await bad("/api/replay?workspace=never-used")).toMatchObject({ status: 404, body: { error: 'nothing has been recorded in workspace "never-used" yet' } });
    expect(await bad("/api/llm-calls/abc")).toMatchObject({ status: 400, body: { error: "an LLM call id is a positive whole number" } });
    expect(await bad("/api/llm-calls/999999")).toMatchObject({ status: 404, body: { error: "there is no LLM call 999999" } });
  });

  it("leaves", async () => {
    expect(liveRoom(atrium, ws).runtime.agents.size).toBe(5);
    await ada.room.leave();
  });
});
