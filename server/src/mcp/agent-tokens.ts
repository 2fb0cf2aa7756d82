import crypto from "node:crypto";
import type { ToolName } from "../../../shared/agents";
import type { AgentTokenInfo, AgentTokenRole } from "../../../shared/agent-tokens";
import type { Selectable } from "kysely";
import type { Store } from "../store/store";
import type { AgentTokensTable } from "../store/schema";

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

type Row = Selectable<AgentTokensTable>;

function fromRow(r: Row): AgentToken {
  return {
    id: r.id,
    workspace: r.workspace,
    agentId: r.agent_id,
    name: r.name,
    title: r.title,
    role: r.role as AgentTokenRole,
    tools: JSON.parse(r.tools) as ToolName[],
    home: r.home,
    colour: r.colour,
    shape: r.shape,
    budgetCalls: Number(r.budget_calls),
    usedCalls: Number(r.used_calls),
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
  async issue(input: NewAgentToken): Promise<{ agentToken: AgentToken; token: string }> {
    const id = crypto.randomUUID();
    const secret = crypto.randomBytes(32).toString("base64url");
    const now = Date.now();
    const createdAt = new Date(now).toISOString();
    const expiresAt = new Date(now + input.ttlS * 1000).toISOString();
    await this.store.db
      .insertInto("agent_tokens")
      .values({
        id,
        secret_hash: hash(secret).toString("hex"),
        workspace: input.workspace,
        agent_id: input.agentId,
        name: input.name,
        title: input.title,
        role: input.role,
        tools: JSON.stringify(input.tools),
        home: input.home,
        colour: input.colour,
        shape: input.shape,
        budget_calls: input.budgetCalls,
        created_by: input.createdBy,
        created_at: createdAt,
        expires_at: expiresAt,
      })
      .execute();
    const agentToken = (await this.get(id))!;
    await this.store.audit({
      workspace: input.workspace,
      actor: input.createdBy,
      kind: "agent-token-created",
      data: { token: id, agent: input.agentId, name: input.name, role: input.role, tools: input.tools, budgetCalls: input.budgetCalls, expiresAt },
    });
    return { agentToken, token: `${PREFIX}.${id}.${secret}` };
  }

  async get(id: string): Promise<AgentToken | null> {
    const row = await this.store.db.selectFrom("agent_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Newest first; one workspace's when given. */
  async list(workspace?: string, limit = 200): Promise<AgentToken[]> {
    let q = this.store.db.selectFrom("agent_tokens").selectAll();
    if (workspace !== undefined) q = q.where("workspace", "=", workspace);
    return (await q.orderBy("created_at", "desc").limit(limit).execute()).map(fromRow);
  }

  /** The live token of an agent in a workspace, if any. */
  async liveFor(workspace: string, agentId: string): Promise<AgentToken | null> {
    return (await this.list(workspace)).find((t) => t.agentId === agentId && isLive(t)) ?? null;
  }

  /** Checks a presented token: shape, row, secret, revocation and expiry. Rejects with AgentTokenError. */
  async verify(token: string | null | undefined): Promise<AgentToken> {
    if (!token) throw new AgentTokenError("no agent token: send it as 'Authorization: Bearer atrium-agent.…' (the owner makes one in the owner panel)", "missing");
    const m = token.length <= AGENT_TOKEN_MAX_LENGTH ? TOKEN_SHAPE.exec(token) : null;
    if (!m) throw new AgentTokenError("the agent token is malformed: it looks like atrium-agent.<id>.<secret>", "malformed");
    const row = await this.store.db.selectFrom("agent_tokens").selectAll().where("id", "=", m[1]!).executeTakeFirst();
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
  async revoke(id: string, by: string): Promise<AgentToken | null> {
    const result = await this.store.db
      .updateTable("agent_tokens")
      .set({ revoked_at: new Date().toISOString(), revoked_by: by })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    const t = await this.get(id);
    if (t && result.numUpdatedRows > 0n) await this.store.audit({ workspace: t.workspace, actor: by, kind: "agent-token-revoked", data: { token: id, agent: t.agentId } });
    return t;
  }

  /** Sets the budget of tool calls. Audited. */
  async setBudget(id: string, budgetCalls: number, by: string): Promise<AgentToken | null> {
    const before = await this.get(id);
    if (!before) return null;
    await this.store.db.updateTable("agent_tokens").set({ budget_calls: budgetCalls }).where("id", "=", id).execute();
    await this.store.audit({ workspace: before.workspace, actor: by, kind: "agent-token-budget", data: { token: id, agent: before.agentId, from: before.budgetCalls, to: budgetCalls, used: before.usedCalls } });
    return this.get(id);
  }

  /**
   * Counts one tool call against the budget, if any is left. Returns the calls used after it,
   * or null when the budget was already spent (nothing counted). One statement, so two
   * processes spending the last call at once count it once.
   */
  async spendCall(id: string): Promise<number | null> {
    const row = await this.store.db
      .updateTable("agent_tokens")
      .set((eb) => ({ used_calls: eb("used_calls", "+", 1) }))
      .where("id", "=", id)
      .whereRef("used_calls", "<", "budget_calls")
      .returning("used_calls")
      .executeTakeFirst();
    return row ? Number(row.used_calls) : null;
  }
}
