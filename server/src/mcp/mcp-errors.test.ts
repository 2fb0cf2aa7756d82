import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../auth/limits";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { until } from "../testing/harness";
import { call, connectAgent, readJson, startMcpAtrium, type McpTestAtrium } from "./mcp-fixtures";
import { auditsWritten } from "../audit-later";
import { writtenAudit } from "../testing/db-count";

// Every way an outside agent can be refused: a bad token, a revoked token, a tool outside its
// allow-list, bad arguments, flooding (and a spectator token, a pause, a spent budget). Each gets
// a clear MCP error, is audited, and leaves the world as it was.

let t: McpTestAtrium;
let seq = 0;

beforeAll(async () => {
  t = await startMcpAtrium({
    name: "mcp-errors",
    // Small chat bucket and few strikes, so flooding shows in a few calls.
    options: { limits: { kinds: { ...DEFAULT_LIMITS.kinds, chat: { perSecond: 0.2, burst: 3 } }, strikesBeforeDisconnect: 4, strikeWindowS: 30 } },
  });
});
afterAll(async () => {
  await t?.close();
});

/** A fresh workspace and agent per test. */
function fresh() {
  seq++;
  return { workspace: `mcp-err-${seq}`, agentId: `ext-${seq}`, name: `Ext ${seq}` };
}

const roomOf = (workspace: string): WorkspaceRoom => [...t.atrium.rooms].find((r) => r.workspace === workspace)!;

/** What the world holds of a workspace, to show a refusal changed nothing. */
async function world(workspace: string) {
  const s = t.atrium.store;
  return JSON.stringify({
    tasks: (await s.work.listTasks(workspace)).map((x) => [x.id, x.status, x.assignee]),
    artifacts: (await s.work.listArtifacts({ workspace })).length,
    messages: (await s.messages.recentMessages(workspace, 50)).length,
  });
}

/** The error a promise is rejected with (the SDK's StreamableHTTPError carries the HTTP status as `code`). */
async function rejection(p: Promise<unknown>): Promise<{ code?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: number; message: string };
  }
  throw new Error("expected a rejection");
}

const audit = async (workspace: string, kind: string) => {
  await auditsWritten(t.atrium.store);
  return (await writtenAudit(t.atrium.store, 500, workspace)).filter((a) => a.kind === kind);
};
const star = async (kind: string) => {
  await auditsWritten(t.atrium.store);
  return (await writtenAudit(t.atrium.store, 500, "*")).filter((a) => a.kind === kind);
};

describe("MCP errors", () => {
  it("a bad token: 401 with a clear JSON-RPC error, audited, nothing changes", async () => {
    const before = t.atrium.rooms.size;
    const refusedBefore = (await star("mcp-refused")).length;
    const malformed = await rejection(connectAgent(t.url, "nope"));
    expect(malformed.code).toBe(401);
    expect(malformed.message).toMatch(/"code":-32001,"message":"unauthorized: the agent token is malformed/);
    const unknown = await rejection(connectAgent(t.url, `atrium-agent.00000000-0000-4000-8000-000000000000.${"A".repeat(43)}`));
    expect(unknown.code).toBe(401);
    expect(unknown.message).toMatch(/unauthorized: the agent token is not known to this server/);
    const raw = await fetch(`${t.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }) });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("www-authenticate")).toMatch(/^Bearer realm="atrium", error="invalid_token"/);
    expect(await raw.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001, message: expect.stringMatching(/^unauthorized: no agent token/) } });
    const all = await star("mcp-refused");
    const refused = all.slice(0, all.length - refusedBefore);
    expect(refused.map((a) => a.data.reason).sort()).toEqual(["malformed", "missing", "unknown"]);
    expect(t.atrium.rooms.size).toBe(before); // no room was opened for anyone
  });

  it("a revoked token: the session ends, the avatar leaves, every later request is 401 revoked, audited", async () => {
    const f = fresh();
    const created = await t.issue(f);
    const { client } = await connectAgent(t.url, created.token);
    expect((await call(client, "say", { text: "hello" })).isError).toBeFalsy();
    const room = roomOf(f.workspace);
    expect(room.state.agents.get(f.agentId)?.brain).toBe("external");
    const snapshot = await world(f.workspace);

    const revoked = await t.owner(`/api/agent-tokens/${created.agentToken.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(revoked.body.agentToken).toMatchObject({ connected: false, revokedAt: expect.any(String) });
    expect(room.state.agents.has(f.agentId)).toBe(false);
    for (const attempt of [call(client, "say", { text: "still here?" }), connectAgent(t.url, created.token)]) {
      const err = await rejection(attempt);
      expect(err.code).toBe(401);
      expect(err.message).toMatch(/unauthorized: the agent token of Ext \d+ was revoked by the owner/);
    }
    expect(await world(f.workspace)).toBe(snapshot);
    expect((await audit(f.workspace, "mcp-refused")).filter((a) => a.actor === f.agentId && a.data.reason === "revoked").length).toBe(2);
    expect(await audit(f.workspace, "agent-token-revoked")).toHaveLength(1);
    expect((await audit(f.workspace, "mcp-disconnect"))[0]?.data.reason).toBe("its token was revoked by the owner");
    await client.close();
  });

  it("a tool outside the allow-list: not listed, refused with not_allowed, audited, nothing written", async () => {
    const f = fresh();
    const created = await t.issue({ ...f, tools: ["say", "update_task"] });
    const { client } = await connectAgent(t.url, created.token);
    const listed = (await client.listTools()).tools.map((x) => x.name);
    expect(listed).toEqual(["say", "update_task", "read_mailbox", "wait_for_mail", "set_status"]);
    const snapshot = await world(f.workspace);
    const r = await call(client, "write_artifact", { title: "Sneaky", kind: "markdown", markdown: "# no" });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ ok: false, code: "not_allowed" });
    expect(r.text).toBe('error: tool "write_artifact" is not allowed for you; available tools: say, update_task');
    const unknown = await call(client, "teleport", { to: "moon" });
    expect(unknown.structuredContent).toMatchObject({ ok: false, code: "unknown_tool" });
    expect(await world(f.workspace)).toBe(snapshot);
    const rows = (await audit(f.workspace, "tool")).filter((a) => a.actor === f.agentId);
    expect(rows.map((a) => [a.data.tool, a.data.allowed, a.data.ok])).toEqual([
      ["teleport", false, false],
      ["write_artifact", false, false],
    ]);
    await client.close();
  });

  it("bad arguments: a sentence naming the field, audited, nothing changes", async () => {
    const f = fresh();
    const created = await t.issue(f);
    const { client } = await connectAgent(t.url, created.token);
    const snapshot = await world(f.workspace);
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["say", {}, "invalid_arguments", /^error: invalid arguments for say: text: /],
      ["say", { text: "hi", loud: true }, "invalid_arguments", /unknown field "loud"; allowed: text/],
      ["hand_off", { task_id: "T-nothing", to_agent: "nobody", note: "x" }, "invalid_arguments", /to_agent: unknown agent "nobody"; known: cleo, iris/],
      ["move_to", { district: "moon-base" }, "invalid_arguments", /district: unknown district "moon-base"/],
      ["update_task", { task_id: "T-nothing", status: "done" }, "failed", /^error: unknown task id "T-nothing"$/],
      ["wait_for_mail", { timeout_s: 600 }, "invalid_arguments", /timeout_s: /],
      ["set_status", { state: "dancing" }, "invalid_arguments", /state: /],
    ];
    for (const [tool, args, code, text] of cases) {
      const r = await call(client, tool, args);
      expect(r.isError, tool).toBe(true);
      expect(r.structuredContent, tool).toMatchObject({ ok: false, code });
      expect(r.text, tool).toMatch(text);
    }
    expect(await world(f.workspace)).toBe(snapshot);
    const rows = (await audit(f.workspace, "tool")).filter((a) => a.actor === f.agentId && a.data.ok === false);
    expect(rows).toHaveLength(cases.length);
    // Nothing of it was counted against the budget but the one call that passed its checks.
    const tok = await t.owner(`/api/agent-tokens?workspace=${f.workspace}`);
    expect((tok.body.agentTokens as Array<{ usedCalls: number }>)[0]!.usedCalls).toBe(1);
    await client.close();
  });

  it("flooding: rate_limited errors, then the session ends and the avatar shows offline; audited; only what the bucket allowed happened", async () => {
    const f = fresh();
    const created = await t.issue(f);
    const { client } = await connectAgent(t.url, created.token);
    const room = roomOf(f.workspace);
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await call(client, "say", { text: `flood ${i}` }));
    const ok = results.filter((r) => !r.isError);
    const limited = results.filter((r) => r.isError);
    expect(ok).toHaveLength(3);
    expect(limited).toHaveLength(4);
    for (const r of limited) {
      expect(r.structuredContent).toMatchObject({ ok: false, code: "rate_limited" });
      expect(r.text).toMatch(/^error: too many chat messages: at most 0.2 per second \(bursts of 3\); slow down$/);
    }
    // The fourth strike ends the session.
    await until("the flooder offline", () => room.state.agents.get(f.agentId)?.state === "offline");
    expect(room.state.agents.get(f.agentId)?.reason).toMatch(/^disconnected: too many chat messages/);
    const gone = await rejection(call(client, "say", { text: "again" }));
    expect(gone.code).toBe(404);
    expect(gone.message).toMatch(/this MCP session has ended \(disconnected: too many chat messages/);
    expect((await t.atrium.store.messages.recentMessages(f.workspace, 50)).map((m) => m.text).sort()).toEqual(["flood 0", "flood 1", "flood 2"]);
    expect((await audit(f.workspace, "tool")).filter((a) => a.data.code === "rate_limited")).toHaveLength(4);
    expect(await audit(f.workspace, "limits-disconnect")).toHaveLength(1);
    await client.close();
  });

  it("a spectator token reads the board but may not act", async () => {
    const f = fresh();
    await t.atrium.store.work.createTask({ workspace: f.workspace, title: "Visible", createdBy: "test", district: "build-yard" });
    const created = await t.issue({ ...f, role: "spectator" });
    const { client } = await connectAgent(t.url, created.token);
    expect((await client.listTools()).tools.map((x) => x.name)).toEqual(["read_mailbox", "wait_for_mail"]);
    const board = await readJson<{ tasks: Array<{ title: string }> }>(client, "atrium://board");
    expect(board.tasks.map((x) => x.title)).toEqual(["Visible"]);
    const snapshot = await world(f.workspace);
    const r = await call(client, "say", { text: "hello" });
    expect(r.structuredContent).toMatchObject({ ok: false, code: "forbidden" });
    expect(r.text).toMatch(/a spectator agent token may read the workspace but not act in it/);
    expect(await world(f.workspace)).toBe(snapshot);
    expect(roomOf(f.workspace).state.agents.has(f.agentId)).toBe(false); // no avatar
    await expect(client.readResource({ uri: "atrium://tasks/T-none" })).rejects.toThrow(/-32002.*there is no resource "atrium:\/\/tasks\/T-none"/);
    await client.close();
  });

  it("paused by the owner: calls are refused until resumed; a spent budget pauses until raised", async () => {
    const f = fresh();
    const task = await t.atrium.store.work.createTask({ workspace: f.workspace, title: "Budgeted", createdBy: "test", district: "build-yard" });
    const note = (notes: string) => call(client, "update_task", { task_id: task.id, notes });
    const created = await t.issue({ ...f, budgetCalls: 2 });
    const { client } = await connectAgent(t.url, created.token);
    const room = roomOf(f.workspace);
    const id = created.agentToken.id;
    expect((await t.owner(`/api/agent-tokens/${id}/pause`, { method: "POST" })).status).toBe(200);
    expect(room.state.agents.get(f.agentId)?.state).toBe("paused");
    const paused = await note("while paused");
    expect(paused.structuredContent).toMatchObject({ ok: false, code: "paused" });
    expect(await audit(f.workspace, "moderation-agent-pause")).toHaveLength(1);
    expect((await t.owner(`/api/agent-tokens/${id}/resume`, { method: "POST" })).status).toBe(200);
    expect(room.state.agents.get(f.agentId)?.state).toBe("idle");

    expect((await note("one")).isError).toBeFalsy();
    expect((await note("two")).isError).toBeFalsy();
    const spent = await note("three");
    expect(spent.structuredContent).toMatchObject({ ok: false, code: "budget_exhausted" });
    expect(room.state.agents.get(f.agentId)).toMatchObject({ state: "paused", reason: "budget reached (2 tool calls)" });
    const notes = async () => (await t.atrium.store.work.taskEvents(task.id)).filter((e) => e.kind === "notes").map((e) => e.data.notes);
    expect(await notes()).toEqual(["one", "two"]);
    const raised = await t.owner(`/api/agent-tokens/${id}/budget`, { method: "PUT", body: { budgetCalls: 3 } });
    expect(raised.body.agentToken).toMatchObject({ budgetCalls: 3, usedCalls: 2, state: "idle" });
    expect((await note("three")).isError).toBeFalsy();
    expect(await notes()).toEqual(["one", "two", "three"]);
    await client.close();
  });
});
