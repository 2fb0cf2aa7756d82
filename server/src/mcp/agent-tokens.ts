import crypto from "node:crypto";
import type { ToolName } from "../../../shared/agents";
import type { AgentTokenInfo, AgentTokenRole } from "../../../shared/agent-tokens";
import type { Store } from "../store/store";

/**
 * Agent tokens: what lets an outside agent badge in over MCP. The owner issues one per agent
 * (server/src/mcp/agent-token-api.ts); it names the agent, its workspace, access role, allowed
 * tools and budget of tool calls. A token is `atrium-agent.<id>.<secret>`: the id finds the row,
 * and only the SHA-256 of the secret is stored, so the database never holds a usable token. A
 * token is good while its row exists, is not revoked and has not expired; every MCP request
 * checks that again, so a revocation takes effect at once.
 */

const PREFIX = "atrium-agent";
/** Longest token accepted before any parsing (characters). Default 200. */
export const AGENT_TOKEN_MAX_LENGTH = 200;
const TOKEN_SHAPE = /^atrium-agent\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

/** A token that does not let its bearer in, with a sentence the agent's developer can read. */
export class AgentTokenError extends Error {
  constructor(
    message: string,
    readonly reason: "missing" | "malformed" | "unknown" | "revoked" | "expired",
    /** The token's row, when the token was real but is revoked or expired. */
    readonly token: AgentToken | null = null,
  ) {
    super(message);
    this.name = "AgentTokenError";
  }
}

/** One agent token row, without its secret. */
export type AgentToken = Omit<AgentTokenInfo, "connected" | "state" | "tools"> & { tools: ToolName[] };

export interface NewAgentToken {
  workspace: string;
  agentId: string;
  name: string;
  title: string;
  role: AgentTokenRole;
  tools: ToolName[];
  home: string;
  colour: string;
  shape: string;
  budgetCalls: number;
  ttlS: number;
  createdBy: string;
}

interface Row {
  id: string;
  secret_hash: string;
  workspace: string;
  agent_id: string;
  name: string;
  title: string;
  role: AgentTokenRole;
  tools: string;
  home: string;
  colour: string;
  shape: string;
  budget_calls: number;
  used_calls: number;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

function fromRow(r: Row): AgentToken {
  return {
    id: r.id,
    workspace: r.workspace,
    agentId: r.agent_id,
    name: r.name,
    title: r.title,
    role: r.role,
    tools: JSON.parse(r.tools) as ToolName[],
    home: r.home,
    colour: r.colour,
    shape: r.shape,
    budgetCalls: r.budget_calls,
    usedCalls: r.used_calls,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  };
}

const hash = (secret: string) => crypto.createHash("sha256").update(secret).digest();

/** True while the token may be used: not revoked and not expired. */
export function isLive(t: AgentToken, now = Date.now()): boolean {
  return t.revokedAt === null && Date.parse(t.expiresAt) > now;
}

export class AgentTokens {
  constructor(private readonly store: Store) {}

  /** Makes a token row and the token itself (shown once). Audited as `agent-token-created`. */
  issue(input: NewAgentToken): { agentToken: AgentToken; token: string } {
    const id = crypto.randomUUID();
    const secret = crypto.randomBytes(32).toString("base64url");
    const now = Date.now();
    const createdAt = new Date(now).toISOString();
    const expiresAt = new Date(now + input.ttlS * 1000).toISOString();
    this.store.db
      .prepare(
        `INSERT INTO agent_tokens (id, secret_hash, workspace, agent_id, name, title, role, tools, home, colour, shape, budget_calls, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, hash(secret).toString("hex"), input.workspace, input.agentId, input.name, input.title, input.role, JSON.stringify(input.tools), input.home, input.colour, input.shape, input.budgetCalls, input.createdBy, createdAt, expiresAt);
    const agentToken = this.get(id)!;
    this.store.audit({
      workspace: input.workspace,
      actor: input.createdBy,
      kind: "agent-token-created",
      data: { token: id, agent: input.agentId, name: input.name, role: input.role, tools: input.tools, budgetCalls: input.budgetCalls, expiresAt },
    });
    return { agentToken, token: `${PREFIX}.${id}.${secret}` };
  }

  get(id: string): AgentToken | null {
    const row = this.store.db.prepare("SELECT * FROM agent_tokens WHERE id = ?").get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Newest first; one workspace's when given. */
  list(workspace?: string, limit = 200): AgentToken[] {
    const rows = (
      workspace === undefined
        ? this.store.db.prepare("SELECT * FROM agent_tokens ORDER BY created_at DESC LIMIT ?").all(limit)
        : this.store.db.prepare("SELECT * FROM agent_tokens WHERE workspace = ? ORDER BY created_at DESC LIMIT ?").all(workspace, limit)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** The live token of an agent in a workspace, if any. */
  liveFor(workspace: string, agentId: string): AgentToken | null {
    return this.list(workspace).find((t) => t.agentId === agentId && isLive(t)) ?? null;
  }

  /** Checks a presented token: shape, row, secret, revocation and expiry. Throws AgentTokenError. */
  verify(token: string | null | undefined): AgentToken {
    if (!token) throw new AgentTokenError("no agent token: send it as 'Authorization: Bearer atrium-agent.…' (the owner makes one in the owner panel)", "missing");
    const m = token.length <= AGENT_TOKEN_MAX_LENGTH ? TOKEN_SHAPE.exec(token) : null;
    if (!m) throw new AgentTokenError("the agent token is malformed: it looks like atrium-agent.<id>.<secret>", "malformed");
    const row = this.store.db.prepare("SELECT * FROM agent_tokens WHERE id = ?").get(m[1]) as Row | undefined;
    const presented = hash(m[2]!);
    // Compare against something of the same length even when there is no row, so timing tells nothing.
    const stored = row ? Buffer.from(row.secret_hash, "hex") : Buffer.alloc(presented.length);
    if (!crypto.timingSafeEqual(presented, stored) || !row) throw new AgentTokenError("the agent token is not known to this server", "unknown");
    const t = fromRow(row);
    if (t.revokedAt !== null) throw new AgentTokenError(`the agent token of ${t.name} was revoked by the owner`, "revoked", t);
    if (Date.parse(t.expiresAt) <= Date.now()) throw new AgentTokenError(`the agent token of ${t.name} has expired: ask the owner for a new one`, "expired", t);
    return t;
  }

  /** Revokes a token; null when there is none. Revoking twice keeps the first time. Audited. */
  revoke(id: string, by: string): AgentToken | null {
    const changed = this.store.db.prepare("UPDATE agent_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL").run(new Date().toISOString(), by, id).changes;
    const t = this.get(id);
    if (t && changed > 0) this.store.audit({ workspace: t.workspace, actor: by, kind: "agent-token-revoked", data: { token: id, agent: t.agentId } });
    return t;
  }

  /** Sets the budget of tool calls. Audited. */
  setBudget(id: string, budgetCalls: number, by: string): AgentToken | null {
    const before = this.get(id);
    if (!before) return null;
    this.store.db.prepare("UPDATE agent_tokens SET budget_calls = ? WHERE id = ?").run(budgetCalls, id);
    this.store.audit({ workspace: before.workspace, actor: by, kind: "agent-token-budget", data: { token: id, agent: before.agentId, from: before.budgetCalls, to: budgetCalls, used: before.usedCalls } });
    return this.get(id);
  }

  /**
   * Counts one tool call against the budget, if any is left. Returns the calls used after it,
   * or null when the budget was already spent (nothing counted).
   */
  spendCall(id: string): number | null {
    const changed = this.store.db.prepare("UPDATE agent_tokens SET used_calls = used_calls + 1 WHERE id = ? AND used_calls < budget_calls").run(id).changes;
    if (changed === 0) return null;
    return (this.store.db.prepare("SELECT used_calls FROM agent_tokens WHERE id = ?").get(id) as { used_calls: number }).used_calls;
  }
}
