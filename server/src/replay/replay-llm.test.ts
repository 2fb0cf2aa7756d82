import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorReply, startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI, type FakeReply, type RecordedRequest } from "../../../e2e/fake-openai";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type QuestionPayload } from "../../../shared/protocol/messages";
import type { ReplayLlmCall } from "../../../shared/replay";
import type { WorkspaceState } from "../../../shared/state";
import type { Atrium } from "../app";
import { startTestAtrium, until, writeTestLlmSettings, type TestAtrium } from "../testing/harness";
import { expectProvenance, expectSameEndState, fetchTimeline, getJson } from "./replay-fixtures";

const API_KEY = "sk-test-replay-provenance-7777";
let settingsFile: { file: string; remove: () => void } | undefined;
let fake: FakeOpenAI;
let server: TestAtrium;
let atrium: Atrium;
let colyseus: ColyseusTestServer;

const agentOf = (req: RecordedRequest) => /You are (\w+), the/.exec(String(req.body?.messages[0]?.content ?? ""))?.[1] ?? "?";
const lastMessage = (req: RecordedRequest) => req.body?.messages[req.body.messages.length - 1];
const args = (o: unknown) => JSON.stringify(o);

/**
 * A scripted team: Cleo answers in words and delegates to Iris; Iris tries a tool she may not
 * use (refused), writes an artifact and hands off to Bram; Bram asks a person and finishes on
 * approval. After tool results, a short closing line.
 */
function team(req: RecordedRequest): FakeReply {
  const who = agentOf(req);
  const last = lastMessage(req);
  const text = String(last?.content ?? "");
  const task = /Task (T-[a-z0-9]+)/.exec(text)?.[1];
  if (last?.role === "tool") {
    if (who === "Bram" && text.includes("answered: Approve")) {
      const taskId = /task (T-[a-z0-9]+)/i.exec(JSON.stringify(req.body?.messages))?.[1];
      return toolCallReply([{ name: "update_task", arguments: args({ task_id: taskId, status: "done", notes: "Approved and shipped." }) }]);
    }
    return textReply(`${who} is done with that.`);
  }
  if (who === "Cleo") {
    return {
      ...toolCallReply([{ name: "create_task", arguments: args({ title: "Compare three pricing models", description: "Cost, fairness, simplicity.", assignee: "iris" }) }], {
        argsChunkSize: 5,
        delayMs: 10,
      }),
      content: "Sure, Iris will dig into pricing.",
    };
  }
  if (who === "Iris" && task) {
    return toolCallReply([
      { name: "create_task", arguments: args({ title: "Not mine to make" }) }, // not on Iris's list: refused, still linked
      { name: "update_task", arguments: args({ task_id: task, status: "doing", notes: "Reading up." }) },
      { name: "write_artifact", arguments: args({ task_id: task, title: "Pricing models compared", kind: "markdown", markdown: "# Pricing\n\n- flat\n- tiered" }) },
      { name: "hand_off", arguments: args({ task_id: task, to_agent: "bram", note: "Build the calculator." }) },
    ]);
  }
  if (who === "Bram" && task) {
    return toolCallReply([{ name: "ask_human", arguments: args({ question: "Ship the pricing calculator?", options: ["Approve", "Reject"] }) }]);
  }
  return textReply("Nothing to do.");
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  settingsFile = writeTestLlmSettings({ maxRetries: 1, timeoutMs: 3000 });
  const settings = settingsFile.file;
  server = await startTestAtrium({
    name: "replay-llm",
    options: { env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: API_KEY, ATRIUM_MODEL: "fake-model", ATRIUM_LLM_CONFIG: settings } },
  });
  ({ atrium, colyseus } = server);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  settingsFile?.remove();
});

async function join(workspace: string, name: string) {
  const room: ClientRoom<unknown, WorkspaceState> = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name });
  const questions: QuestionPayload[] = [];
  room.onMessage("*", () => undefined);
  room.onMessage(ServerMessage.Question, (q: QuestionPayload) => questions.push(q));
  await room.waitForInitialState();
  return { room, questions };
}

describe("replay with a language model: provenance of every word and tool run", () => {
  it("links each utterance and tool call to the exact prompt and response, and ends like the live room", async () => {
    fake.setDefault(team);
    const ws = "replay-llm";
    const ada = await join(ws, "Ada");
    ada.room.send("talk", { agentId: "cleo", text: "Could we compare pricing models?" });
    const q = await until("Bram's question", () => ada.questions[0], 15_000);
    ada.room.send("answer", { requestId: q.requestId, choice: "Approve" });
    await until("the task done", async () => (await atrium.store.work.listTasks(ws)).find((t) => t.status === "done"), 15_000);
    await until("every agent idle", () => [...ada.room.state.agents.values()].every((a) => a.state === "idle"), 15_000);
    await new Promise((r) => setTimeout(r, 150));

    const timeline = await fetchTimeline(server.url, ws);
    await expectSameEndState(atrium, ws, timeline);

    const speaks = (c: ReplayLlmCall, text: string) => (c.response as { text: string }).text.includes(text);
    const calls = await expectProvenance(server.url, timeline, speaks);
    expect(timeline.toolCalls.some((t) => !t.allowed && t.tool === "create_task" && t.agentId === "iris")).toBe(true);

    // One row per model call (completed, not left pending, not written twice), each the exact request.
    const rows = await atrium.store.llm.llmCalls(100, ws);
    expect(rows.length).toBe(fake.requests.length);
    expect(rows.every((r) => r.outcome === "ok" && r.costUsd > 0 && r.latencyMs !== null)).toBe(true);
    const cleo = [...calls.values()].find((c) => c.agentId === "cleo")!;
    expect(cleo.offline).toBe(false);
    expect(cleo.model).toBe("fake-model");
    const sent = (cleo.request as { messages: Array<{ role: string; content: string }> }).messages;
    const upstream = fake.requests.find((r) => agentOf(r) === "Cleo")!.body!.messages;
    expect(sent).toEqual(upstream); // exactly what went to the model
    expect(sent[0]!.content).toContain("You are Cleo, the Coordinator");
    expect(JSON.stringify(sent)).toContain("Could we compare pricing models?");
    // Bram's closing update_task comes from his second call, whose prompt holds Ada's answer as a tool result.
    const done = timeline.toolCalls.find((t) => t.tool === "update_task" && t.agentId === "bram")!;
    const bramSecond = calls.get(done.llmCallId!)!;
    const toolResults = (bramSecond.request as { messages: Array<{ role: string; content: string }> }).messages.filter((m) => m.role === "tool");
    expect(toolResults.map((m) => m.content).join(" ")).toContain("answered: Approve");
    // The key never reaches the replay.
    expect(JSON.stringify(timeline)).not.toContain(API_KEY);
    expect(JSON.stringify([...calls.values()])).not.toContain(API_KEY);
    await ada.room.leave();
  });

  it("completes the row of a failing call with its error instead of leaving it pending", async () => {
    fake.setDefault(errorReply(500, { message: "upstream exploded" }));
    const ws = "replay-llm-500";
    const before = fake.requests.length;
    const bob = await join(ws, "Bob");
    bob.room.send("talk", { agentId: "otto", text: "Status?" });
    await until("Otto offline", () => bob.room.state.agents.get("otto")?.state === "offline", 15_000);
    const rows = await atrium.store.llm.llmCalls(10, ws);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agentId: "otto", outcome: "error", error: expect.stringContaining("500") });
    expect(fake.requests.length - before).toBe(2); // one call, two attempts, one row
    const { body } = await getJson<ReplayLlmCall>(`${server.url}/api/llm-calls/${rows[0]!.id}`);
    expect(body.outcome).toBe("error");
    expect(JSON.stringify(body.request)).toContain("Status?");
    await bob.room.leave();
  });
});
