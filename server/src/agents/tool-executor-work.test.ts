import { describe, expect, it } from "vitest";
import { transitionRefusal } from "../../../shared/agents";
import { useToolExecutor, WS } from "./tool-executor-fixtures";
import { writtenAudit } from "../testing/db-count";

// What agents may do to tasks: the same transition table as people, only their own workspace's
// tasks, and questions that land on the task's history (and so in the activity feed).

const fx = useToolExecutor();
const { run, snapshot, newTask, agent } = fx;

describe("agents and the task rules", () => {
  it("refuses a status change the transition table does not allow, changing nothing", async () => {
    const task = await newTask("iris");
    await run("iris", "update_task", { task_id: task.id, status: "doing" });
    await run("iris", "update_task", { task_id: task.id, status: "done" });
    const before = await snapshot();
    const out = await run("iris", "update_task", { task_id: task.id, status: "review", notes: "one more look" });
    expect(out).toEqual({ ok: false, content: `error: task ${task.id}: ${transitionRefusal("done", "review")}` });
    expect((await fx.store.work.getTask(task.id))?.status).toBe("done");
    expect(await snapshot()).toEqual(before);
    expect((await fx.lastToolAudit()).data).toMatchObject({ tool: "update_task", allowed: true, ok: false });
    // Reopening is allowed.
    expect((await run("iris", "update_task", { task_id: task.id, status: "doing" })).ok).toBe(true);
  });

  it("cannot touch another workspace's task: update, hand off or escalate", async () => {
    const elsewhere = await fx.store.work.createTask({ workspace: "someone-else", title: "Theirs", createdBy: "cleo", district: "market-hall" });
    const events = await fx.store.work.taskEvents(elsewhere.id);
    const unknown = { ok: false, content: `error: unknown task id "${elsewhere.id}"` };
    expect(await run("iris", "update_task", { task_id: elsewhere.id, status: "doing" })).toEqual(unknown);
    expect(await run("iris", "hand_off", { task_id: elsewhere.id, to_agent: "bram", note: "yours" })).toEqual(unknown);
    expect(await run("otto", "escalate", { reason: "stuck", task_id: elsewhere.id })).toEqual(unknown);
    expect(await fx.store.work.getTask(elsewhere.id)).toEqual(elsewhere);
    expect(await fx.store.work.taskEvents(elsewhere.id)).toEqual(events);
  });
});

describe("approvals on the task's history", () => {
  it("records the question as an approval-asked event and the answer with its options, and audits both with the task", async () => {
    const task = await newTask("mira");
    agent("mira").view.taskId = task.id;
    const asking = run("mira", "ask_human", { question: "Ship the logo?", options: ["Ship it", "Not yet"] });
    await fx.settle();
    const [question] = fx.runtime.tools.openQuestions();
    expect((await fx.store.work.taskEvents(task.id)).at(-1)).toMatchObject({
      kind: "approval-asked",
      actor: "mira",
      data: { requestId: question!.requestId, question: "Ship the logo?", options: ["Ship it", "Not yet"] },
    });
    expect(fx.runtime.tools.answer(question!.requestId, "not yet", "the blue is off", "Ada")).toBeNull();
    expect((await asking).ok).toBe(true);
    expect((await fx.store.work.taskEvents(task.id)).at(-1)).toMatchObject({
      kind: "approval",
      actor: "Ada",
      data: { question: "Ship the logo?", choice: "Not yet", comment: "the blue is off", options: ["Ship it", "Not yet"], agent: "mira" },
    });
    const audit = await writtenAudit(fx.store, 100, WS);
    expect(audit.find((r) => r.kind === "ask-human")?.data).toMatchObject({ taskId: task.id, question: "Ship the logo?" });
    expect(audit.find((r) => r.kind === "answer")?.data).toMatchObject({ taskId: task.id, question: "Ship the logo?", options: ["Ship it", "Not yet"], choice: "Not yet" });
  });

  it("keeps a question about no task in the audit only, with taskId null", async () => {
    const before = await snapshot();
    const asking = run("otto", "ask_human", { question: "Restart the cache?", options: ["Yes", "No"] });
    await fx.settle();
    const [question] = fx.runtime.tools.openQuestions();
    fx.runtime.tools.answer(question!.requestId, "Yes", "", "Ada");
    await asking;
    expect((await snapshot()).events).toBe(before.events);
    const audit = await writtenAudit(fx.store, 100, WS);
    expect(audit.find((r) => r.kind === "ask-human")?.data.taskId).toBeNull();
    expect(audit.find((r) => r.kind === "answer")?.data.taskId).toBeNull();
  });
});
