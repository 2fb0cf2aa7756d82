import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { ServerMessage, type HandOffPayload, type QuestionPayload } from "../../../shared/protocol/messages";
import { WorkServerMessage, type ActivityItem } from "../../../shared/protocol/work-messages";
import type { WorkspaceState } from "../../../shared/state";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";

// A person's task, end to end over the wire with the offline planner: created from a client,
// taken by an agent through artifacts and hand-offs to the person's approval and done; the
// board, the walls and the feed show every step.

let server: TestAtrium;

beforeAll(async () => {
  server = await startTestAtrium({ name: "work-flow", options: { offline: { thinkMs: 20, workMs: 50 } } });
});
afterAll(async () => {
  await server?.close();
});

describe("a person's task through the agents", () => {
  it("goes from the board through hand-offs and approval to done, and the feed tells it", async () => {
    const workspace = "flow";
    // An open task already on a board keeps the offline planner's starter task away.
    await server.atrium.store.work.createTask({ workspace, title: "Seed", createdBy: "test", district: "research-lab" });
    const room: ClientRoom<unknown, WorkspaceState> = await server.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "Ada" });
    const activity: ActivityItem[] = [];
    const questions: QuestionPayload[] = [];
    const handOffs: HandOffPayload[] = [];
    room.onMessage("*", () => undefined);
    room.onMessage(WorkServerMessage.Activity, (a: ActivityItem) => activity.push(a));
    room.onMessage(ServerMessage.Question, (q: QuestionPayload) => questions.push(q));
    room.onMessage(ServerMessage.HandOff, (h: HandOffPayload) => handOffs.push(h));
    await room.waitForInitialState();

    room.send("task-create", { title: "Launch plan", description: "Dates, owners, risks.", district: "market-hall", assignee: { kind: "agent", id: "iris" } });
    const question = await until("the approval question", () => questions[0], 30_000);
    const taskId = question.taskId!;
    expect(taskId).toMatch(/^T-/);
    await until("the card to count its three artifacts", () => room.state.tasks.get(taskId)?.artifacts === 3, 5000);
    room.send("answer", { requestId: question.requestId, choice: "Approve", comment: "ship it" });
    await until("the card done", () => room.state.tasks.get(taskId)?.status === "done", 15_000);

    const card = room.state.tasks.get(taskId)!;
    expect(card).toMatchObject({ title: "Launch plan", district: "market-hall", assigneeKind: "agent", escalated: false, artifacts: 3 });
    expect(card.assignee).toBe(question.agentId);
    const wall = [...room.state.artifacts.values()].filter((a) => a.taskId === taskId);
    expect(wall).toHaveLength(3);
    expect(wall.every((a) => a.district === "market-hall" && a.kind === "markdown")).toBe(true);
    expect(handOffs.map((h) => h.taskId)).toEqual([taskId, taskId]);

    const feed = activity.filter((a) => a.taskId === taskId);
    const kinds = feed.map((a) => a.kind);
    expect(kinds[0]).toBe("task-created");
    expect(kinds.filter((k) => k === "hand-off")).toHaveLength(2);
    expect(kinds.filter((k) => k === "artifact")).toHaveLength(3);
    expect(kinds.slice(-3)).toEqual(["approval-asked", "approval", "status"]);
    expect(feed.at(-1)!.text).toMatch(/ marked “Launch plan” done$/);
    expect(feed.find((a) => a.kind === "approval")).toMatchObject({ actor: "Ada", severity: "info", text: "Ada answered “Approve” on “Launch plan”: ship it" });
    const handOff = feed.find((a) => a.kind === "hand-off")!;
    expect(handOff).toMatchObject({ from: "iris", to: handOffs[0]!.to, district: "market-hall" });
    expect(feed.map((a) => a.id)).toEqual([...feed.map((a) => a.id)].sort());
    await room.leave();
  });
});
