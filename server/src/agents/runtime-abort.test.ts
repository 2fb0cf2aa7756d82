import { afterEach, describe, expect, it } from "vitest";
import { AgentServerMessage } from "../../../shared/protocol/agent-messages";
import { ServerMessage, type QuestionClosedPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import { until } from "../testing/harness";
import { AgentFreedError } from "./runtime";
import { deferred, disposeHarnesses, label, msg, setup, sleep, TestBrain, WS } from "./runtime-fixtures";
import { writtenAudit } from "../testing/db-count";

// Cutting work short: the watchdog, withdrawn questions and dispose. Placement, the mailbox,
// failures, pausing and speech are in runtime.test.ts.

afterEach(disposeHarnesses);

describe("watchdog", () => {
  it("frees an agent stuck thinking past its deadline: idle with the reason, audited, aborted, and on to its next event", async () => {
    let lateSetStateIgnored = false;
    let lateToolRejected = false;
    const brain = new TestBrain(async (body, event) => {
      if (label(event) !== "stuck") return;
      body.setState("thinking");
      try {
        await body.pause(60_000);
      } catch (err) {
        // A late brain can no longer change the agent or run tools.
        body.setState("working");
        lateSetStateIgnored = true;
        await body.runTool("say", JSON.stringify({ text: "still here" })).catch(() => (lateToolRejected = true));
        throw err;
      }
    });
    const h = await setup(brain, { deadlinesS: { thinking: 0.05 } });
    const cleo = h.agent("cleo");
    h.runtime.deliver("cleo", msg("stuck"));
    h.runtime.deliver("cleo", msg("next"));
    h.runtime.tick(0);
    const stuckBody = brain.bodies[0]!;
    expect(cleo.view.state).toBe("thinking");

    // Before the deadline the watchdog leaves it alone.
    h.runtime.tick(0.05);
    expect(cleo.view.state).toBe("thinking");
    expect(stuckBody.signal.aborted).toBe(false);

    await sleep(80);
    h.runtime.tick(0.05);
    expect(stuckBody.signal.aborted).toBe(true);
    expect(stuckBody.signal.reason).toBeInstanceOf(AgentFreedError);
    expect(cleo.view.state).toBe("idle");
    expect(cleo.view.reason).toMatch(/watchdog/);
    expect(cleo.view.reason).toContain("0.05 s thinking");

    const rows = (await writtenAudit(h.store, 100, WS)).filter((r) => r.kind === "watchdog");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe("cleo");
    expect(rows[0]!.data).toMatchObject({ was: "thinking", reason: cleo.view.reason });

    // It takes the next event on the next tick.
    h.runtime.tick(0);
    expect(brain.started("cleo")).toEqual(["stuck", "next"]);
    await until("the old brain gave up", () => lateToolRejected, 2000);
    expect(lateSetStateIgnored).toBe(true);
    expect(cleo.view.state).toBe("idle");
    expect((await h.store.messages.recentMessages(WS)).map((m) => m.text)).not.toContain("still here");
    await until("cleo free", () => !cleo.busy, 2000);
    // Only one watchdog run for it.
    expect((await writtenAudit(h.store, 100, WS)).filter((r) => r.kind === "watchdog")).toHaveLength(1);
  });

  it("leaves states without a deadline alone", async () => {
    const gate = deferred();
    const brain = new TestBrain(async (body) => {
      body.setState("working");
      await gate.promise;
    });
    const h = await setup(brain, { deadlinesS: { thinking: 0.01 } });
    h.runtime.deliver("bram", msg("work"));
    await sleep(30);
    h.runtime.tick(0.05);
    expect(h.agent("bram").view.state).toBe("working");
    expect((await writtenAudit(h.store, 100, WS)).filter((r) => r.kind === "watchdog")).toHaveLength(0);
    gate.resolve();
    await until("done", () => !h.agent("bram").busy, 2000);
  });
});

describe("questions and waiting", () => {
  it("an agent whose question is withdrawn is not left waiting: its brain hears why, and it takes its next event", async () => {
    const outcomes: string[] = [];
    const brain = new TestBrain(async (body, event) => {
      if (label(event) !== "ask") return;
      const out = await body.runTool("ask_human", JSON.stringify({ question: "Ship it?", options: ["Yes", "No"] }));
      outcomes.push(`${out.ok}:${out.content}`);
    });
    const h = await setup(brain);
    const iris = h.agent("iris");
    h.runtime.deliver("iris", msg("ask"));
    await until("the question", () => h.broadcasts.some((b) => b.type === ServerMessage.Question), 2000);
    expect(iris.view.state).toBe("waiting-for-human");
    h.runtime.deliver("iris", msg("next"));
    expect(brain.started("iris")).toEqual(["ask"]);

    h.runtime.tools.cancelQuestionsOf("iris", "nobody is here");
    await until("the next event", () => brain.log.includes("end:iris:next"), 2000);
    expect(outcomes).toEqual(["false:error: the question was withdrawn"]);
    await until("iris free", () => !iris.busy, 2000);
    expect(iris.view.state).toBe("idle");
  });
});

describe("dispose", () => {
  it("aborts every agent's work, walks and questions, refuses new mail and stops the speech timer", async () => {
    const outcomes: string[] = [];
    const brain = new TestBrain(async (body, event) => {
      if (label(event) === "ask") {
        await body.runTool("ask_human", JSON.stringify({ question: "Deploy?", options: ["Yes", "No"] })).then((o) => outcomes.push(o.content));
        return;
      }
      if (label(event) === "walk") {
        await body.runTool("move_to", JSON.stringify({ district: "research-lab" }));
        return;
      }
      body.setState("thinking");
      body.beginSpeech().append("I was saying");
      await body.pause(60_000);
    });
    const h = await setup(brain);
    h.runtime.deliver("cleo", msg("think"));
    h.runtime.deliver("otto", msg("ask"));
    h.runtime.deliver("bram", msg("walk"));
    await until("all started", () => brain.bodies.length === 3 && h.broadcasts.some((b) => b.type === ServerMessage.Question), 2000);
    await until("bram walking", () => h.agent("bram").walk !== null, 2000);
    const question = h.broadcasts.find((b) => b.type === ServerMessage.Question)!.payload as QuestionPayload;

    h.runtime.dispose();
    for (const body of brain.bodies) {
      expect(body.signal.aborted).toBe(true);
      expect((body.signal.reason as Error).message).toBe("the room closed");
    }
    const closed = h.broadcasts.filter((b) => b.type === ServerMessage.QuestionClosed).map((b) => b.payload as QuestionClosedPayload);
    expect(closed).toEqual([{ requestId: question.requestId, choice: null, by: null }]);
    expect(h.runtime.tools.openQuestions()).toEqual([]);
    expect(h.runtime.deliver("cleo", msg("after"))).toBe(false);

    await until("all brains ended", () => brain.log.filter((l) => l.startsWith("end:")).length === 3, 2000);
    expect(outcomes).toEqual(["error: the question was withdrawn"]);
    const speechCount = h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech).length;
    await sleep(120);
    expect(h.broadcasts.filter((b) => b.type === AgentServerMessage.Speech)).toHaveLength(speechCount);
    expect(brain.started("cleo")).toEqual(["think"]);
    // No late error is written over the agents by the aborted brains.
    for (const id of ["cleo", "bram"]) expect(h.agent(id).view.reason).not.toMatch(/^error:/);
  });
});
