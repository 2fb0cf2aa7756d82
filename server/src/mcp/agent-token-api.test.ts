import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../../shared/agents";
import type { AgentTokenInfo } from "../../../shared/agent-tokens";
import { startMcpAtrium, type McpTestAtrium } from "./mcp-fixtures";
import { countRows, writtenAudit } from "../testing/db-count";

// The owner's agent-token API against a real server: issue with defaults, refuse bad bodies and
// clashing names with a sentence (nothing stored), list, and the access policy (owner only).

let t: McpTestAtrium;

beforeAll(async () => {
  t = await startMcpAtrium({ name: "mcp-token-api" });
});
afterAll(async () => {
  await t?.close();
});

const rows = () => countRows(t.atrium.store.db, "agent_tokens");

describe("/api/agent-tokens", () => {
  it("issues a token with defaults, shown once; the database keeps only a hash", async () => {
    const created = await t.issue({ agentId: "scribe", name: "Scribe" });
    expect(created.token).toMatch(/^atrium-agent\.[0-9a-f-]{36}\.[\w-]{43}$/);
    expect(created.mcpUrl).toBe(`${t.url}/mcp`);
    expect(created.agentToken).toMatchObject({
      workspace: "main",
      agentId: "scribe",
      name: "Scribe",
      title: "Outside agent",
      role: "member",
      tools: [...TOOL_NAMES],
      home: "research-lab",
      shape: "octahedron",
      budgetCalls: 1000,
      usedCalls: 0,
      revokedAt: null,
      connected: false,
    });
    const stored = JSON.stringify(await t.atrium.store.db.selectFrom("agent_tokens").selectAll().execute());
    expect(stored).not.toContain(created.token.split(".")[2]);
    expect((await writtenAudit(t.atrium.store, 50, "main")).find((a) => a.kind === "agent-token-created")?.data).toMatchObject({ agent: "scribe", role: "member" });
    const listed = await t.owner("/api/agent-tokens?workspace=main");
    expect(listed.status).toBe(200);
    expect((listed.body.agentTokens as AgentTokenInfo[]).map((x) => x.agentId)).toEqual(["scribe"]);
    expect(listed.body.tools).toEqual([...TOOL_NAMES]);
    expect(JSON.stringify(listed.body)).not.toContain(created.token);
  });

  it("refuses bad bodies and clashes with a sentence, storing nothing", async () => {
    const before = await rows();
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ name: "No id" }, 400, /^bad agent token: agentId: /],
      [{ agentId: "Bad Id", name: "X" }, 400, /agentId: must be lower-case letters/],
      [{ agentId: "x1", name: "X", tools: ["say", "fly"] }, 400, /tools\.1: must be one of say, move_to/],
      [{ agentId: "x1", name: "X", tools: ["say", "say"] }, 400, /tools: must not name a tool twice/],
      [{ agentId: "x1", name: "X", budgetCalls: 0 }, 400, /budgetCalls: must be at least 1/],
      [{ agentId: "x1", name: "X", home: "moon" }, 400, /home: there is no district "moon"/],
      [{ agentId: "x1", name: "X", secret: "nope" }, 400, /unrecognized key|"secret"/i],
      [{ agentId: "bram", name: "Other" }, 409, /belongs to a built-in agent/],
      [{ agentId: "x1", name: "Iris" }, 409, /the name "Iris" belongs to a built-in agent/],
      [{ agentId: "scribe", name: "Scribe 2" }, 409, /Scribe \(scribe\) already has a live token in workspace main; revoke it first/],
    ];
    for (const [body, status, error] of cases) {
      const r = await t.owner("/api/agent-tokens", { method: "POST", body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error, JSON.stringify(body)).toMatch(error);
    }
    expect(await rows()).toBe(before);
    expect((await t.owner("/api/agent-tokens?colour=red")).status).toBe(400);
    expect((await t.owner("/api/agent-tokens/not-a-uuid", { method: "DELETE" })).status).toBe(400);
    expect((await t.owner("/api/agent-tokens/00000000-0000-4000-8000-000000000000", { method: "DELETE" })).status).toBe(404);
  });

  it("is the owner's only: a member gets 403 and nothing is issued", async () => {
    const { token: member } = await t.atrium.auth.issue({ role: "member", ttlS: 3600, createdBy: "test" });
    const before = await rows();
    const r = await fetch(`${t.url}/api/agent-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${member}`, "content-type": "application/json" },
      body: JSON.stringify({ agentId: "sneak", name: "Sneak" }),
    });
    expect(r.status).toBe(403);
    expect(await rows()).toBe(before);
  });
});
