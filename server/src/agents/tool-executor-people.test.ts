import { describe, expect, it } from "vitest";
import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import { Person } from "../../../shared/state";
import { AGENT_ARRIVE_DISTANCE, AGENT_WALK_SPEED } from "./steering";
import { useToolExecutor, world, WS } from "./tool-executor-fixtures";
import type { ToolOutcome } from "./types";
import { writtenAudit } from "../testing/db-count";

// The tools that act in the space and with people: move_to, ask_human, say and escalate.
// Refused calls and the task tools are in tool-executor.test.ts.

const fx = useToolExecutor();
const { settle } = fx;
const { agent, run, snapshot, lastToolAudit, of, newTask, walkUntilArrived } = fx;

describe("move_to", () => {
  it("walks the agent to a district at walking speed and resolves on arrival", async () => {
    const cleo = agent("cleo");
    const start = { x: cleo.view.x, z: cleo.view.z };
    const yard = world.districts.find((d) => d.id === "build-yard")!;
    let outcome: ToolOutcome | null = null;
    const walking = run("cleo", "move_to", { district: "build-yard" }).then((o) => (outcome = o));
    expect(cleo.view.state).toBe("walking");
    expect(cleo.walk).not.toBeNull();

    fx.runtime.tick(0.1);
    await settle();
    expect(outcome).toBeNull();
    // float32 state fields: compare at that precision.
    expect(Math.hypot(cleo.view.x - start.x, cleo.view.z - start.z)).toBeCloseTo(AGENT_WALK_SPEED * 0.1, 4);

    const target = { x: cleo.walk!.x, z: cleo.walk!.z };
    const ticks = 1 + walkUntilArrived(cleo);
    const dist = Math.hypot(target.x - start.x, target.z - start.z);
    // Ticks match the distance at walking speed: no teleport, no dawdling.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor((dist - AGENT_ARRIVE_DISTANCE) / (AGENT_WALK_SPEED * 0.1)));
    expect(ticks).toBeLessThanOrEqual(Math.ceil(dist / (AGENT_WALK_SPEED * 0.1)) + 1);

    await walking;
    expect(outcome).toEqual({ ok: true, content: "arrived at Build Yard" });
    expect(Math.hypot(cleo.view.x - yard.position[0], cleo.view.z - yard.position[1])).toBeLessThan(yard.radius);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "move_to", allowed: true, ok: true, arguments: { district: "build-yard" } });
  });

  it("walks over to a person by name, stopping short of them", async () => {
    const ada = new Person();
    ada.id = "s1";
    ada.name = "Ada Lovelace";
    ada.x = 0;
    ada.z = 8;
    fx.state.people.set("s1", ada);
    const otto = agent("otto");
    const walking = run("otto", "move_to", { person: "ada lovelace" });
    walkUntilArrived(otto);
    expect(await walking).toEqual({ ok: true, content: "arrived next to Ada Lovelace" });
    const d = Math.hypot(otto.view.x - ada.x, otto.view.z - ada.z);
    expect(d).toBeGreaterThan(1);
    expect(d).toBeLessThan(2.2);
  });

  it("refuses a person who is not there, without moving", async () => {
    const otto = agent("otto");
    const at = { x: otto.view.x, z: otto.view.z };
    const out = await run("otto", "move_to", { person: "Zed" });
    expect(out).toEqual({ ok: false, content: 'error: nobody called "Zed" is in the workspace' });
    expect(otto.walk).toBeNull();
    expect(otto.view.state).toBe("idle");
    fx.runtime.tick(0.5);
    expect({ x: otto.view.x, z: otto.view.z }).toEqual(at);
    expect((await lastToolAudit()).data).toMatchObject({ tool: "move_to", allowed: true, ok: false });
  });

  it("a new walk replaces the one in progress, which reports it", async () => {
    const first = run("bram", "move_to", { district: "ops-center" });
    fx.runtime.tick(0.1);
    const second = run("bram", "move_to", { district: "design-studio" });
    const out = await first;
    expect(out.ok).toBe(false);
    expect(out.content).toContain("a new walk replaced this one");
    walkUntilArrived(agent("bram"));
    expect((await second).content).toBe("arrived at Design Studio");
  });
});

describe("ask_human", () => {
  const question = 'Approve "Compare pricing models"?';
  const options = ["Approve", "Needs changes"];

  it("waits for a person, refuses a wrong option, and resolves with the right one (any case)", async () => {
    const task = await newTask("mira");
    await run("mira", "update_task", { task_id: task.id, status: "doing" });
    const mira = agent("mira");
    let outcome: ToolOutcome | null = null;
    const asking = run("mira", "ask_human", { question, options }).then((o) => (outcome = o));

    expect(mira.view.state).toBe("waiting-for-human");
    expect(mira.view.reason).toBe(question);
    const asked = of<QuestionPayload>(ServerMessage.Question);
    expect(asked).toHaveLength(1);
    const q = asked[0]!;
    expect(q).toEqual({ requestId: q.requestId, agentId: "mira", agentName: "Mira", question, options, taskId: task.id });
    expect(fx.runtime.tools.openQuestions()).toEqual([q]);
    expect((await writtenAudit(fx.store, 100, WS)).some((r) => r.kind === "ask-human" && r.actor === "mira" && r.data.requestId === q.requestId)).toBe(true);

    expect(fx.runtime.tools.answer(q.requestId, "Maybe", "", "Ada")).toBe('"Maybe" is not one of the options: Approve, Needs changes');
    expect(fx.runtime.tools.answer("Q-999-mira", "Approve", "", "Ada")).toMatch(/there is no open question Q-999-mira/);
    await settle();
    expect(outcome).toBeNull();
    expect(fx.runtime.tools.openQuestions()).toEqual([q]);
    expect(of(ServerMessage.QuestionClosed)).toEqual([]);
    expect((await fx.store.work.taskEvents(task.id)).some((e) => e.kind === "approval")).toBe(false);

    expect(fx.runtime.tools.answer(q.requestId, "aPPROVE", "Ship it", "Ada")).toBeNull();
    await asking;
    expect(outcome).toEqual({ ok: true, content: "Ada answered: Approve (comment: Ship it)" });
    expect(of<QuestionClosedPayload>(ServerMessage.QuestionClosed)).toEqual([{ requestId: q.requestId, choice: "Approve", by: "Ada" }]);
    expect(fx.runtime.tools.openQuestions()).toEqual([]);
    expect(mira.view.state).not.toBe("waiting-for-human");
    const approval = (await fx.store.work.taskEvents(task.id)).filter((e) => e.kind === "approval");
    expect(approval).toHaveLength(1);
    expect(approval[0]).toMatchObject({ actor: "Ada", data: { question, choice: "Approve", comment: "Ship it" } });
    expect((await writtenAudit(fx.store, 100, WS)).find((r) => r.kind === "answer")).toMatchObject({ actor: "Ada", data: { requestId: q.requestId, agent: "mira", choice: "Approve" } });
    // Answered once only.
    expect(fx.runtime.tools.answer(q.requestId, "Needs changes", "", "Bob")).toMatch(/no open question/);
  });

  it("adds no approval event when the agent has no task", async () => {
    const before = await snapshot();
    const asking = run("otto", "ask_human", { question: "Restart the cache?", options: ["Yes", "No"] });
    const q = of<QuestionPayload>(ServerMessage.Question)[0]!;
    expect(q.taskId).toBeNull();
    expect(fx.runtime.tools.answer(q.requestId, "no", "", "Ada")).toBeNull();
    expect(await asking).toEqual({ ok: true, content: "Ada answered: No" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bad options before asking anyone", async () => {
    const out = await run("mira", "ask_human", { question: "Which?", options: ["A", "a"] });
    expect(out.ok).toBe(false);
    expect(out.content).toContain('duplicate option "a"');
    expect(of(ServerMessage.Question)).toEqual([]);
    expect(agent("mira").view.state).toBe("idle");
  });

  it("cancelQuestionsOf withdraws that agent's questions only", async () => {
    const mira = run("mira", "ask_human", { question: "Blue or green?", options: ["Blue", "Green"] });
    const otto = run("otto", "ask_human", { question: "Deploy now?", options: ["Yes", "No"] });
    const [qm, qo] = of<QuestionPayload>(ServerMessage.Question);
    fx.runtime.tools.cancelQuestionsOf("mira", "mira was freed");
    expect(await mira).toEqual({ ok: false, content: "error: the question was withdrawn" });
    expect(of<QuestionClosedPayload>(ServerMessage.QuestionClosed)).toEqual([{ requestId: qm!.requestId, choice: null, by: null }]);
    expect(fx.runtime.tools.openQuestions()).toEqual([qo]);
    expect(fx.runtime.tools.answer(qm!.requestId, "Blue", "", "Ada")).toMatch(/no open question/);
    expect(fx.runtime.tools.answer(qo!.requestId, "Yes", "", "Ada")).toBeNull();
    expect((await otto).ok).toBe(true);
  });
});

describe("say and escalate", () => {
  it("say streams the text as speech and stores it as the agent's message", async () => {
    expect(await run("iris", "say", { text: "  The brief is ready.  " })).toEqual({ ok: true, content: "said" });
    const speech = of<SpeechPayload>(AgentServerMessage.Speech);
    expect(speech.map((s) => s.delta).join("")).toBe("The brief is ready.");
    expect(speech.at(-1)!.done).toBe(true);
    expect((await fx.store.messages.recentMessages(WS)).map((m) => [m.fromId, m.text])).toEqual([["iris", "The brief is ready."]]);
  });

  it("escalate records it on the task, audits it and says it out loud", async () => {
    const task = await newTask("bram");
    const out = await run("bram", "escalate", { reason: "No access to the deploy key.", task_id: task.id });
    expect(out.ok).toBe(true);
    expect((await fx.store.work.taskEvents(task.id)).at(-1)).toMatchObject({ kind: "escalated", actor: "bram", data: { reason: "No access to the deploy key." } });
    expect((await writtenAudit(fx.store, 100, WS)).find((r) => r.kind === "escalation")).toMatchObject({ actor: "bram", data: { taskId: task.id } });
    expect((await fx.store.messages.recentMessages(WS)).at(-1)!.text).toBe("I need help: No access to the deploy key.");
  });
});
