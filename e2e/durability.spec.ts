import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../shared/constants";
import { WorkServerMessage, type ActivityItem } from "../shared/protocol/work-messages";
import type { WorkspaceState } from "../shared/state";
import { startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI, type FakeReply, type RecordedRequest } from "./fake-openai";
import { startServer, type RunningServer } from "./server";

// The restart test, for real: the product's own server process works with agents on a slow
// model, is SIGKILLed while an agent's reply is still streaming, and is started again on the
// same database file. Everything that was committed must still be there, and the room must
// rebuild its boards, walls and feed from the database. No browser: an SDK client and the API.

const WORKSPACE = "durable";
const TITLE = "Compare three pricing models";
/** Bram's reply streams for about a minute, so the kill lands mid-stream. */
const SLOW = { chunkSize: 2, delayMs: 250 };
const LONG_REPLY = "Working through the build plan for the pricing calculator: inputs, tiers, discounts, edge cases, and a test for each of them. ".repeat(4);

const agentOf = (req: RecordedRequest) => /You are (\w+), the/.exec(String(req.body?.messages[0]?.content ?? ""))?.[1] ?? "?";
const args = (o: unknown) => JSON.stringify(o);

/** A scripted team: Iris writes notes and hands off to Bram, Bram streams slowly, Otto answers. */
function team(req: RecordedRequest): FakeReply {
  const who = agentOf(req);
  const messages = req.body?.messages ?? [];
  const last = messages[messages.length - 1];
  const text = String(last?.content ?? "");
  if (last?.role === "tool") return textReply(`${who} is done with that.`);
  const task = /Task (T-[a-z0-9]+)/.exec(text)?.[1];
  if (who === "Iris" && task) {
    return toolCallReply([
      { name: "write_artifact", arguments: args({ task_id: task, title: "Pricing models compared", kind: "markdown", markdown: "# Pricing\n\n| model | fair |\n|---|---|\n| flat | yes |" }) },
      { name: "hand_off", arguments: args({ task_id: task, to_agent: "bram", note: "Build the calculator." }) },
    ]);
  }
  if (who === "Bram" && task) return textReply(LONG_REPLY, SLOW);
  if (who === "Otto") return textReply("All servers are healthy.");
  return textReply("OK.");
}

interface Export {
  tasks: Array<{ id: string; events: Array<{ id: number; kind: string }> } & Record<string, unknown>>;
  artifacts: Array<{ id: string } & Record<string, unknown>>;
  messages: Array<{ id: number; fromId: string; text: string } & Record<string, unknown>>;
  audit: Array<{ id: number } & Record<string, unknown>>;
  llmCalls: Array<{ id: number } & Record<string, unknown>>;
}

async function exportOf(server: RunningServer): Promise<Export> {
  const res = await fetch(`${server.url}/api/export?workspace=${WORKSPACE}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Export;
}

async function until<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Person {
  room: Room<unknown, WorkspaceState>;
  activity: ActivityItem[];
  backlogs: ActivityItem[][];
  speech: Array<{ agentId: string; delta: string; done: boolean }>;
}

async function join(server: RunningServer, name: string): Promise<Person> {
  const client = new Client(`ws://127.0.0.1:${server.port}`);
  const room = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: WORKSPACE, name });
  const p: Person = { room, activity: [], backlogs: [], speech: [] };
  room.onMessage("*", () => undefined);
  room.onMessage(WorkServerMessage.Activity, (a: ActivityItem) => p.activity.push(a));
  room.onMessage(WorkServerMessage.ActivityBacklog, (b: ActivityItem[]) => p.backlogs.push(b));
  room.onMessage("speech", (s: Person["speech"][number]) => p.speech.push(s));
  room.reconnection.enabled = false; // the server will be killed: no reconnecting to a corpse
  await until("the initial state", () => room.state.people?.get(room.sessionId) !== undefined, 10_000);
  return p;
}

/** Every row of `before` is in `after`, unchanged (rows are matched by id). */
function keptAll<T extends { id: string | number }>(what: string, before: T[], after: T[]): void {
  const byId = new Map(after.map((r) => [r.id, r]));
  for (const row of before) expect(byId.get(row.id), `${what} ${row.id}`).toEqual(row);
}

describe("durability", () => {
  let fake: FakeOpenAI;
  let dir: string;
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    fake.setDefault(team);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-durability-"));
  });

  afterAll(async () => {
    // Servers first (their model streams end with them), then what is left of the clients.
    await first?.kill("SIGKILL");
    await second?.stop();
    for (const p of people) if (p.room.connection.isOpen) await p.room.leave(true).catch(() => undefined);
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every committed task, event, artifact, message and audit row across a SIGKILL mid-stream, and the room rebuilds from the database", async () => {
    const dbFile = path.join(dir, "atrium.db");
    const env = { ATRIUM_DB: dbFile, OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "test-key", ATRIUM_MODEL: "fake-model" };
    first = await startServer(env);
    const ada = await join(first, "Ada");
    people.push(ada);

    ada.room.send("task-create", { title: TITLE, description: "Cost, fairness, simplicity.", district: "market-hall", assignee: { kind: "agent", id: "iris" } });
    ada.room.send("talk", { agentId: "otto", text: "How are the servers?" });

    // Work happens: Iris writes notes and hands off; Bram starts streaming his long reply.
    const running = first;
    const before = await until("the hand-off, the artifact, the messages and Bram mid-stream", async () => {
      const x = await exportOf(running);
      const task = x.tasks.find((t) => t.title === TITLE);
      const handedOff = task?.events.some((e) => e.kind === "handoff");
      const bramStreaming = ada.speech.some((s) => s.agentId === "bram" && !s.done) && fake.stats.inFlight > 0;
      const otto = x.messages.some((m) => m.fromId === "otto");
      return handedOff && x.artifacts.length === 1 && otto && bramStreaming ? x : null;
    });
    const task = before.tasks.find((t) => t.title === TITLE)!;
    expect(task).toMatchObject({ status: "todo", assignee: { kind: "agent", id: "bram" }, createdBy: "Ada", district: "market-hall" });
    expect(task.events.map((e) => e.kind)).toEqual(["created", "artifact", "handoff"]);
    expect(before.messages.map((m) => m.fromId)).toEqual(expect.arrayContaining([ada.room.sessionId, "otto", "iris"]));
    expect(before.audit.map((r) => r.kind)).toEqual(expect.arrayContaining(["join", "task-create", "tool"]));
    // What the room showed: Ada's own card, the artifact on the wall, and the feed.
    await until("the card and the artifact in the room", () => ada.room.state.tasks.get(task.id)?.assignee === "bram" && ada.room.state.artifacts.size === 1, 5_000);
    const liveFeed = ada.activity.filter((a) => a.taskId === task.id);
    expect(liveFeed.map((a) => a.kind)).toEqual(["task-created", "artifact", "hand-off"]);
    const bramRequests = fake.requests.filter((r) => agentOf(r) === "Bram").length;

    // Kill it in the middle of Bram's reply: no shutdown, no flush, no goodbye.
    const ended = await first.kill("SIGKILL");
    expect(ended.signal).toBe("SIGKILL");
    first = undefined;
    await until("the model stream to be cut, not finished", () => fake.stats.disconnects >= 1, 5_000);

    second = await startServer(env);
    expect(second.dbFile).toBe(dbFile);
    // Before anyone joins (no room, so nothing new happens yet), the database holds all of it, unchanged.
    const after = await exportOf(second);
    keptAll("task", before.tasks, after.tasks);
    keptAll("artifact", before.artifacts, after.artifacts);
    keptAll("message", before.messages, after.messages);
    keptAll("audit row", before.audit, after.audit);
    keptAll("LLM call", before.llmCalls, after.llmCalls);
    expect(after.tasks.find((t) => t.id === task.id)?.events).toEqual(task.events);
    const artifactBody = await fetch(`${second.url}/api/artifacts/${before.artifacts[0]!.id}`).then((r) => r.text());
    expect(artifactBody).toBe(before.artifacts[0]!.body);

    // A new person's room is rebuilt from the database: board, wall and feed.
    const bea = await join(second, "Bea");
    people.push(bea);
    const card = bea.room.state.tasks.get(task.id);
    expect(card).toMatchObject({ title: TITLE, district: "market-hall", assigneeKind: "agent", assignee: "bram", artifacts: 1, escalated: false });
    expect(card?.createdAt).toBe(Date.parse(String(task.createdAt)));
    const wall = [...bea.room.state.artifacts.values()];
    expect(wall.map((a) => [a.id, a.title, a.taskId, a.district])).toEqual([[before.artifacts[0]!.id, "Pricing models compared", task.id, "market-hall"]]);
    await until("Bea's backlog", () => bea.backlogs.length === 1, 5_000);
    const backlog = bea.backlogs[0]!;
    for (const item of liveFeed) expect(backlog).toContainEqual(item);

    // ...and the work resumes: Bram gets the task he had under way and asks his model again.
    await until("Bram to resume after the restart", () => fake.requests.filter((r) => agentOf(r) === "Bram").length > bramRequests, 15_000);
    const resumed = fake.requests.filter((r) => agentOf(r) === "Bram").at(-1)!;
    expect(JSON.stringify(resumed.body?.messages.at(-1))).toContain(`Task ${task.id} was given to you by Atrium`);
  });
});
