import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type ErrorPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import type { WorkspaceState } from "../../../shared/state";
import type { Atrium } from "../app";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "./workspace-room";
import { writtenAudit } from "../testing/db-count";

let server: TestAtrium;
let atrium: Atrium;
let colyseus: ColyseusTestServer;

interface Person {
  room: ClientRoom<unknown, WorkspaceState>;
  questions: QuestionPayload[];
  speech: SpeechPayload[];
  errors: ErrorPayload[];
}

async function join(workspace: string, name: string): Promise<Person> {
  const room = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name });
  const p: Person = { room, questions: [], speech: [], errors: [] };
  room.onMessage(ServerMessage.Question, (q: QuestionPayload) => p.questions.push(q));
  room.onMessage(ServerMessage.QuestionClosed, () => undefined);
  room.onMessage(ServerMessage.HandOff, () => undefined);
  room.onMessage("activity", () => undefined);
  room.onMessage("activity-backlog", () => undefined);
  room.onMessage(ServerMessage.World, () => undefined);
  room.onMessage(ServerMessage.Error, (e: ErrorPayload) => p.errors.push(e));
  room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => p.speech.push(s));
  await room.waitForInitialState();
  return p;
}

const serverRoom = (workspace: string) => [...atrium.rooms].find((r) => r.workspace === workspace) as WorkspaceRoom;

beforeAll(async () => {
  server = await startTestAtrium({ name: "agents", options: { offline: { thinkMs: 20, workMs: 50 } } });
  ({ atrium, colyseus } = server);
});

afterAll(async () => {
  await server?.close();
});

describe("agents in a room, with the offline planner", () => {
  it("places every agent of the roster in the state, labelled offline", async () => {
    const ada = await join("agents-a", "Ada");
    const agents = [...ada.room.state.agents.values()];
    expect(agents.map((a) => a.id).sort()).toEqual(["bram", "cleo", "iris", "mira", "otto"]);
    for (const a of agents) expect(a.brain).toBe("offline");
    await ada.room.leave();
  });

  it("runs a task from assignment through hand-offs, artifacts and a person's approval to done", async () => {
    const ws = "agents-flow";
    const ada = await join(ws, "Ada");
    // The first arrival kicks off a starter task; it travels until someone asks Ada to approve.
    const question = await until("an approval question", () => ada.questions[0], 30_000);
    expect(question.options).toEqual(["Approve", "Needs changes"]);
    expect(question.taskId).toMatch(/^T-/);
    await until("the asker to show it is waiting", () => ada.room.state.agents.get(question.agentId)?.state === "waiting-for-human", 15_000);

    ada.room.send("answer", { requestId: question.requestId, choice: "approve" });
    const taskId = question.taskId!;
    await until("the task to be done", async () => (await atrium.store.work.getTask(taskId))?.status === "done", 15_000);

    const kinds = (await atrium.store.work.taskEvents(taskId)).map((e) => e.kind);
    expect(kinds[0]).toBe("created");
    expect(kinds.filter((k) => k === "handoff")).toHaveLength(2);
    expect(kinds).toContain("approval");
    expect((await atrium.store.work.listArtifacts({ taskId })).length).toBeGreaterThanOrEqual(3);
    const toolRuns = (await writtenAudit(atrium.store, 500, ws)).filter((r) => r.kind === "tool");
    expect(toolRuns.length).toBeGreaterThan(8);
    expect(toolRuns.every((r) => r.data.allowed === true && r.data.ok === true)).toBe(true);
    // The closing words follow the status change over the wire (speech is coalesced every 50 ms).
    await until("the closing words", () => ada.speech.some((s) => s.done && s.delta.includes("done")), 3000);

    // Zero stuck agents: all are back to idle once the work is over.
    await until("every agent idle", () => [...ada.room.state.agents.values()].every((a) => a.state === "idle"), 15_000);
    expect(ada.errors).toEqual([]);
    await ada.room.leave();
  });

  it("answers a person who talks to an agent, and the coordinator puts the request on a board", async () => {
    const ws = "agents-talk";
    const bob = await join(ws, "Bob");
    const before = (await atrium.store.work.listTasks(ws)).length;
    bob.room.send("talk", { agentId: "cleo", text: "Please compare three pricing models for the launch." });
    await until("Cleo's reply", () => bob.speech.find((s) => s.agentId === "cleo" && s.done && s.delta.includes("Bob")), 15_000);
    await until("a new task", async () => (await atrium.store.work.listTasks(ws)).length > before, 15_000);
    const task = (await atrium.store.work.listTasks(ws)).find((t) => t.title.startsWith("Please compare"));
    expect(task?.assignee?.kind).toBe("agent");
    const said = (await atrium.store.messages.recentMessages(ws, 50)).map((m) => `${m.fromKind}:${m.text}`);
    expect(said).toContain("person:Please compare three pricing models for the launch.");
    expect(said.some((m) => m.startsWith("agent:Hi Bob"))).toBe(true);
    await bob.room.leave();
  });

  it("refuses talk to an unknown agent and a bad answer, changing nothing", async () => {
    const ws = "agents-bad";
    const eve = await join(ws, "Eve");
    // Agents talk too (the starter task), so count only what people said.
    const fromPeople = async () => (await atrium.store.messages.recentMessages(ws, 100)).filter((m) => m.fromKind === "person").length;
    const messagesBefore = await fromPeople();
    eve.room.send("talk", { agentId: "nobody", text: "hello" });
    eve.room.send("talk", { agentId: "cleo", text: "" });
    eve.room.send("answer", { requestId: "Q-999", choice: "Approve" });
    await until("three errors", () => eve.errors.length >= 3 && eve.errors, 15_000);
    expect(eve.errors.map((e) => e.code).sort()).toEqual(["invalid_message", "unknown_agent", "unknown_question"]);
    expect(await fromPeople()).toBe(messagesBefore);
    // The starter task may still wait in cleo's mailbox; nothing from Eve does.
    expect(serverRoom(ws).runtime.agents.get("cleo")!.mailbox.filter((e) => e.kind === "message" && e.from.name === "Eve")).toEqual([]);
    await eve.room.leave();
  });

  it("sends open questions to people who join later", async () => {
    const ws = "agents-late";
    const first = await join(ws, "First");
    const q = await until("a question", () => first.questions[0], 30_000);
    const late = await join(ws, "Late");
    await until("the late joiner to get the open question", () => late.questions.find((x) => x.requestId === q.requestId), 15_000);
    late.room.send("answer", { requestId: q.requestId, choice: "Needs changes" });
    await until("the task to be blocked", async () => (await atrium.store.work.getTask(q.taskId!))?.status === "blocked", 15_000);
    await first.room.leave();
    await late.room.leave();
  });
});
