import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { ReplayTimeline } from "../../../shared/replay";
import type { WorkspaceState } from "../../../shared/state";
import { until } from "../testing/harness";
import { call, connectAgent, readJson, startMcpAtrium, type McpTestAtrium } from "./mcp-fixtures";
import { writtenAudit } from "../testing/db-count";

// An outside agent over MCP and a built-in agent (the offline planner) pass a task back and
// forth; a person hands it the task and talks to it through the room; both agents are in the
// replay; when it disconnects its avatar shows offline and its work stays.

let t: McpTestAtrium;

beforeAll(async () => {
  // A short idle timeout, so an agent that vanishes without closing its session shows offline soon.
  t = await startMcpAtrium({ name: "mcp-handoff", options: { offline: { thinkMs: 20, workMs: 50 }, mcp: { idleTimeoutMs: 1500, sweepMs: 100 } } });
});
afterAll(async () => {
  await t?.close();
});

interface Mail {
  kind: string;
  from: { id: string; name: string; kind: string };
  text?: string;
  taskId?: string;
  task?: { title: string; status: string } | null;
}

describe("an external agent and a built-in agent", () => {
  it("pass a task back and forth, and both appear in the replay", async () => {
    const workspace = "mcp-flow";
    // An open task already on a board keeps the offline planner's starter task away.
    await t.atrium.store.work.createTask({ workspace, title: "Seed", createdBy: "test", district: "ops-center" });
    const created = await t.issue({ workspace, agentId: "scout", name: "Scout", title: "Field researcher" });

    const ada: ClientRoom<unknown, WorkspaceState> = await t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace, name: "Ada" });
    ada.onMessage("*", () => undefined);
    await ada.waitForInitialState();
    // Before it connects, the outside agent is already in the world: external, offline.
    const before = await until("scout in the room", () => ada.state.agents.get("scout"));
    expect(before.brain).toBe("external");
    expect(before.state).toBe("offline");

    const { client, transport } = await connectAgent(t.url, created.token);
    await until("scout online", () => ada.state.agents.get("scout")?.state === "idle");

    // A person talks to it and hands it a task, through the room like to any agent.
    ada.send("talk", { agentId: "scout", text: "Hi Scout, a task is coming your way." });
    ada.send("task-create", { title: "Survey the market", description: "Three competitors, one paragraph each.", district: "research-lab", assignee: { kind: "agent", id: "scout" } });
    const mail: Mail[] = [];
    while (mail.length < 2) {
      const r = await call(client, "wait_for_mail", { timeout_s: 5 });
      expect(r.isError).toBeFalsy();
      mail.push(...(r.structuredContent as { data: { mail: Mail[] } }).data.mail);
    }
    const message = mail.find((m) => m.kind === "message")!;
    expect(message).toMatchObject({ text: "Hi Scout, a task is coming your way.", from: { name: "Ada", kind: "person" } });
    const taskMail = mail.find((m) => m.kind === "task")!;
    expect(taskMail.task).toMatchObject({ title: "Survey the market", status: "todo" });
    const taskId = taskMail.taskId!;
    // The board resource shows it too, assigned to the outside agent.
    const board = await readJson<{ tasks: Array<{ id: string; assignee: { id: string } | null }> }>(client, "atrium://board");
    expect(board.tasks.find((x) => x.id === taskId)?.assignee?.id).toBe("scout");

    // Its work goes through the same tools as a built-in agent's.
    expect((await call(client, "update_task", { task_id: taskId, status: "doing", notes: "On it." })).text).toBe(`task ${taskId} is now doing`);
    expect((await call(client, "say", { text: "Looking at the market now." })).isError).toBeFalsy();
    const art = await call(client, "write_artifact", { task_id: taskId, title: "Market survey draft", kind: "markdown", markdown: "# Draft\n\n- A\n- B\n- C" });
    expect(art.isError).toBeFalsy();
    await call(client, "update_task", { task_id: taskId, status: "review" });
    const handed = await call(client, "hand_off", { task_id: taskId, to_agent: "bram", note: "Please check the build side." });
    expect(handed.text).toBe(`task ${taskId} handed to Bram`);

    // Bram (offline planner) works on it and hands it back to the outside agent that gave it.
    const back = await (async () => {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const r = await call(client, "wait_for_mail", { timeout_s: 5 });
        const m = (r.structuredContent as { data: { mail: Mail[] } }).data.mail.find((x) => x.kind === "task" && x.taskId === taskId);
        if (m) return m;
      }
      throw new Error("the task never came back");
    })();
    expect(back.from).toMatchObject({ id: "bram", kind: "agent" });
    expect((await call(client, "update_task", { task_id: taskId, status: "done", notes: "Reviewed, done." })).text).toBe(`task ${taskId} is now done`);

    const events = await t.atrium.store.work.taskEvents(taskId);
    const handoffs = events.filter((e) => e.kind === "handoff").map((e) => [e.actor, (e.data.to as { id: string }).id]);
    expect(handoffs).toEqual([
      ["scout", "bram"],
      ["bram", "scout"],
    ]);
    const artifacts = (await t.atrium.store.queries.artifactsOfTask(taskId)).map((a) => a.createdBy).sort();
    expect(artifacts).toEqual(["bram", "scout"]);
    expect(await t.atrium.store.work.getTask(taskId)).toMatchObject({ status: "done", assignee: { kind: "agent", id: "scout" } });

    // Both agents are in the replay: listed, with their poses, words and tool runs.
    const replay = (await (await fetch(`${t.url}/api/replay?workspace=${workspace}`, { headers: { authorization: `Bearer ${t.ownerToken}` } })).json()) as ReplayTimeline;
    expect(replay.agents.find((a) => a.id === "scout")).toMatchObject({ name: "Scout", role: "Field researcher" });
    expect(replay.agents.some((a) => a.id === "bram")).toBe(true);
    const tools = replay.toolCalls.filter((c) => c.tool === "hand_off").map((c) => [c.agentId, (c.arguments as { to_agent: string }).to_agent]);
    expect(tools).toContainEqual(["scout", "bram"]);
    expect(tools).toContainEqual(["bram", "scout"]);
    const posesOf = (id: string) => [...replay.initial.poses, ...replay.poses].filter((p) => p.agentId === id);
    expect(posesOf("scout").length).toBeGreaterThan(0);
    expect(posesOf("bram").length).toBeGreaterThan(0);
    expect(replay.messages.some((m) => m.fromId === "scout" && m.text === "Looking at the market now.")).toBe(true);

    // Leaving: the avatar shows offline; the work stays.
    await transport.terminateSession();
    await client.close();
    await until("scout offline", () => ada.state.agents.get("scout")?.state === "offline");
    expect(ada.state.agents.get("scout")?.reason).toBe("the MCP session was closed");
    expect(ada.state.tasks.get(taskId)?.status).toBe("done");
    expect(await t.atrium.store.queries.artifactsOfTask(taskId)).toHaveLength(2);
    const kinds = (await writtenAudit(t.atrium.store, 500, workspace)).filter((a) => a.actor === "scout").map((a) => a.kind);
    expect(kinds).toContain("mcp-connect");
    expect(kinds).toContain("mcp-disconnect");
    await ada.leave(true);
  }, 60_000);

  it("an agent that vanishes without closing its session shows offline after the idle timeout, and is back when it reconnects", async () => {
    const workspace = "mcp-vanish";
    await t.atrium.store.work.createTask({ workspace, title: "Seed", createdBy: "test", district: "ops-center" });
    const created = await t.issue({ workspace, agentId: "ghost", name: "Ghost" });
    const first = await connectAgent(t.url, created.token);
    const room = () => [...t.atrium.rooms].find((r) => r.workspace === workspace)!;
    expect(room().state.agents.get("ghost")?.state).toBe("idle");
    // Its open stream keeps it online past the timeout while it is quiet.
    await new Promise((r) => setTimeout(r, 2000));
    expect(room().state.agents.get("ghost")?.state).toBe("idle");
    // The process dies: its connections drop, no DELETE is sent.
    await first.transport.close();
    await until("ghost offline", () => room().state.agents.get("ghost")?.state === "offline", 6000);
    expect(room().state.agents.get("ghost")?.reason).toBe("no contact for 2 s");
    const second = await connectAgent(t.url, created.token);
    expect(room().state.agents.get("ghost")?.state).toBe("idle");
    await second.transport.terminateSession();
    await second.client.close();
  }, 20_000);
});
