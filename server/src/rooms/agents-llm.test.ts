import type { Room as ClientRoom } from "@colyseus/sdk";
import type { ColyseusTestServer } from "@colyseus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorReply, startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI, type FakeReply, type RecordedRequest } from "../../../e2e/fake-openai";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type QuestionPayload } from "../../../shared/protocol/messages";
import type { WorkspaceState } from "../../../shared/state";
import type { Atrium } from "../app";
import { startTestAtrium, until, writeTestLlmSettings, type TestAtrium } from "../testing/harness";
import { writtenAudit } from "../testing/db-count";

const API_KEY = "sk-test-do-not-leak-4242";
/** Holds the LLM settings file, which must exist before the server starts. */
let settingsFile: { file: string; remove: () => void } | undefined;
let fake: FakeOpenAI;
let server: TestAtrium;
let atrium: Atrium;
let colyseus: ColyseusTestServer;

interface Person {
  room: ClientRoom<unknown, WorkspaceState>;
  questions: QuestionPayload[];
  speech: SpeechPayload[];
  /** Everything the server sent this client, serialised, to look for secrets. */
  wire: string[];
}

async function join(workspace: string, name: string): Promise<Person> {
  const room = await colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name });
  const p: Person = { room, questions: [], speech: [], wire: [] };
  room.onMessage("*", (type, payload) => p.wire.push(`${String(type)} ${JSON.stringify(payload)}`));
  room.onMessage(ServerMessage.Question, (q: QuestionPayload) => p.questions.push(q));
  room.onMessage(AgentServerMessage.Speech, (s: SpeechPayload) => p.speech.push(s));
  await room.waitForInitialState();
  return p;
}

const agentOf = (req: RecordedRequest) => /You are (\w+), the/.exec(String(req.body?.messages[0]?.content ?? ""))?.[1] ?? "?";
const lastMessage = (req: RecordedRequest) => req.body?.messages[req.body.messages.length - 1];
const args = (o: unknown) => JSON.stringify(o);

/**
 * A scripted team, answering like a model would from what each request contains: Cleo plans
 * and delegates, Iris writes and hands off (parallel tool calls, split across chunks), Bram
 * asks a person and finishes on approval. After tool results, a short closing line.
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
    return textReply("Done.");
  }
  if (who === "Cleo") {
    return {
      ...toolCallReply(
        [
          { name: "create_task", arguments: args({ title: "Compare three pricing models", description: "Cost, fairness, simplicity.", assignee: "iris" }) },
          { name: "move_to", arguments: args({ district: "market-hall" }) },
        ],
        { argsChunkSize: 5, interleaveToolCalls: true, delayMs: 25 }, // slow enough to stream in several pieces
      ),
      content: "Sure, Iris will dig into pricing.",
    };
  }
  if (who === "Iris" && task) {
    return toolCallReply(
      [
        { name: "write_artifact", arguments: args({ task_id: task, title: "Pricing models compared", kind: "markdown", markdown: "# Pricing\n\n| model | fair |\n|---|---|\n| flat | yes |" }) },
        { name: "hand_off", arguments: args({ task_id: task, to_agent: "bram", note: "Build the calculator." }) },
      ],
      { argsChunkSize: 7 },
    );
  }
  if (who === "Bram" && task) {
    return toolCallReply([{ name: "ask_human", arguments: args({ question: "Ship the pricing calculator?", options: ["Approve", "Reject"] }) }]);
  }
  return textReply("Nothing to do.");
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
  settingsFile = writeTestLlmSettings({ maxRetries: 2, timeoutMs: 3000 });
  const settings = settingsFile.file;
  server = await startTestAtrium({
    name: "llm-room",
    options: { env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: API_KEY, ATRIUM_MODEL: "fake-model", ATRIUM_LLM_CONFIG: settings } },
  });
  ({ atrium, colyseus } = server);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
  settingsFile?.remove();
});

describe("agents driven by a (scripted) language model", () => {
  it("takes a task from assignment through a hand-off, an artifact and an approval to done", async () => {
    fake.setDefault(team);
    const ws = "llm-flow";
    const ada = await join(ws, "Ada");
    expect([...ada.room.state.agents.values()].every((a) => a.brain === "llm")).toBe(true);

    ada.room.send("talk", { agentId: "cleo", text: "Could we compare pricing models?" });
    // Cleo's words stream into her bubble before her tools run.
    await until("Cleo's streamed words", () => ada.speech.some((s) => s.agentId === "cleo" && s.delta.length > 0 && !s.done), 15_000);
    const q = await until("Bram's question", () => ada.questions[0], 15_000);
    expect(q.agentId).toBe("bram");
    ada.room.send("answer", { requestId: q.requestId, choice: "Approve" });
    const task = await until("the task done", async () => (await atrium.store.work.listTasks(ws)).find((t) => t.status === "done"), 15_000);
    expect(task.title).toBe("Compare three pricing models");

    const kinds = (await atrium.store.work.taskEvents(task.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["created", "handoff", "artifact", "approval", "status"]));
    expect((await atrium.store.work.listArtifacts({ taskId: task.id }))[0]?.body).toContain("| flat | yes |");
    await until("every agent idle", () => [...ada.room.state.agents.values()].every((a) => a.state === "idle"), 15_000);

    // Every call is audited with the exact messages, tokens and cost. A call's row is opened when
    // it starts and completed when the broker reports it, which may come just after the agent is idle.
    const calls = await until("every call recorded", async () => {
      const all = await atrium.store.llm.llmCalls(100, ws);
      return all.every((c) => c.outcome !== "pending") && all;
    }, 15_000);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    for (const c of calls) {
      expect(c.outcome).toBe("ok");
      expect(c.promptTokens).toBeGreaterThan(0);
      expect(c.costUsd).toBeGreaterThan(0);
    }
    const cleoCall = calls.find((c) => c.agentId === "cleo")!;
    expect(JSON.stringify(cleoCall.request)).toContain("Could we compare pricing models?");
    expect(JSON.stringify(cleoCall.request)).toContain("You are Cleo, the Coordinator");
    // Tools the model saw were the agent's allow-list, as JSON Schema.
    const toolsSent = fake.requests.find((r) => agentOf(r) === "Iris")!.body!.tools!.map((t) => t.function.name);
    expect(toolsSent).not.toContain("create_task"); // not on Iris's list
    expect(toolsSent).toContain("hand_off");

    // The API key went to the upstream and nowhere else.
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(ada.wire.join("\n")).not.toContain(API_KEY);
    expect(JSON.stringify(ada.room.state.toJSON())).not.toContain(API_KEY);
    expect(JSON.stringify(calls)).not.toContain(API_KEY);
    await ada.room.leave();
  });

  it("a model call outside the allow-list or with bad arguments is refused, audited and survives", async () => {
    fake.setDefault((req) => {
      if (lastMessage(req)?.role === "tool") return textReply("I see.");
      return toolCallReply([
        { name: "create_task", arguments: args({ title: "Sneaky" }) }, // Iris may not create tasks
        { name: "move_to", arguments: args({ district: "the-moon" }) }, // no such district
        { name: "launch_rockets", arguments: "{}" }, // no such tool
      ]);
    });
    const ws = "llm-refused";
    const eve = await join(ws, "Eve");
    const seenBefore = fake.requests.length; // the log keeps earlier tests' requests: look only after this
    eve.room.send("talk", { agentId: "iris", text: "Do something odd." });
    await until("three refused tool runs", async () => {
      const rows = (await writtenAudit(atrium.store, 200, ws)).filter((r) => r.kind === "tool" && r.data.ok === false);
      return rows.length >= 3 && rows;
    }, 15_000);
    const refusals = (await writtenAudit(atrium.store, 200, ws)).filter((r) => r.kind === "tool" && r.data.ok === false);
    expect(refusals.map((r) => r.data.tool).sort()).toEqual(["create_task", "launch_rockets", "move_to"]);
    expect(await atrium.store.work.listTasks(ws)).toEqual([]); // nothing was run
    // The model was told why, in the tool results of its next turn.
    const followUp = await until(
      "the follow-up turn",
      () => fake.requests.slice(seenBefore).find((r) => agentOf(r) === "Iris" && lastMessage(r)?.role === "tool"),
      15_000,
    );
    const results = followUp.body!.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
    expect(results.every((r) => r.startsWith("error:"))).toBe(true);
    await until("Iris idle again", () => eve.room.state.agents.get("iris")?.state === "idle", 15_000);
    await eve.room.leave();
  });

  it("marks an agent offline with the reason when the upstream keeps failing, and recovers", async () => {
    fake.setDefault(errorReply(500, { message: "upstream exploded" }));
    const ws = "llm-500";
    const bob = await join(ws, "Bob");
    bob.room.send("talk", { agentId: "otto", text: "Status?" });
    const reason = await until("Otto offline", () => {
      const otto = bob.room.state.agents.get("otto");
      return otto?.state === "offline" && otto.reason;
    }, 15_000);
    expect(reason).toBe("upstream 500 ×3");
    expect((await atrium.store.llm.llmCalls(10, ws))[0]).toMatchObject({ agentId: "otto", outcome: "error" });

    fake.setDefault(textReply("All green."));
    bob.room.send("talk", { agentId: "otto", text: "And now?" });
    await until("Otto answers again", () => bob.speech.filter((s) => s.agentId === "otto").map((s) => s.delta).join("").includes("All green."), 15_000);
    await until("Otto idle", () => bob.room.state.agents.get("otto")?.state === "idle", 15_000);
    await bob.room.leave();
  });

  it("pauses an agent at its budget and makes no more calls for it", async () => {
    // One call this expensive (1M prompt tokens at $2.50/M) crosses Mira's $1.00 budget.
    fake.setDefault(textReply("Expensive thought.", { usage: { prompt_tokens: 1_000_000, completion_tokens: 10 } }));
    const ws = "llm-budget";
    const cy = await join(ws, "Cy");
    cy.room.send("talk", { agentId: "mira", text: "Think hard." });
    const reason = await until("Mira paused", () => {
      const mira = cy.room.state.agents.get("mira");
      return mira?.state === "paused" && mira.reason;
    }, 15_000);
    expect(reason).toMatch(/^budget reached/);
    const callsBefore = fake.requests.length;
    cy.room.send("talk", { agentId: "mira", text: "Again?" });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.length).toBe(callsBefore); // a paused agent takes no mail and makes no call
    expect(cy.room.state.agents.get("mira")?.state).toBe("paused");
    await cy.room.leave();
  });
});
