import crypto from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { AgentState } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import { mayMcp } from "../auth/policy";
import type { ClientLimiter, LlmActionLimiter } from "../auth/limits";
import type { LiveAgent } from "../agents/runtime";
import { parseToolCall } from "../agents/tools";
import type { Logger } from "../logger";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import type { Store } from "../store/store";
import { auditLater } from "../audit-later";
import type { AgentToken } from "./agent-tokens";
import type { ExternalAgents, ExternalLink } from "./external-agents";
import { mailItem, readResource, RESOURCE_LIST, RESOURCE_TEMPLATES, RESOURCE_URIS } from "./mcp-resources";
import { isMcpOnlyTool, listTools, parseMcpOnly, toolResult, type McpToolErrorCode } from "./mcp-tools";

/** The name and version this server gives in the MCP handshake. */
export const MCP_SERVER_INFO = { name: "atrium", version: "0.1.0" } as const;
/** JSON-RPC error code for "resource not found" (the MCP specification's). */
export const RESOURCE_NOT_FOUND = -32002;
/** JSON-RPC error code of a request refused for its rate (an implementation-defined server error). */
export const RATE_LIMITED = -32029;
/** Board changes are told to subscribers at most this often (ms). Default 250. */
export const BOARD_NOTIFY_MS = 250;

/** How an outside agent is told to work; the handshake's `instructions`. docs/MCP.md says the same at length. */
export const MCP_INSTRUCTIONS = [
  "You are an agent in Atrium, a shared 3D workspace where people and AI agents work together.",
  "Your avatar stands in the campus while you are connected. Loop: wait_for_mail (or read_mailbox) →",
  "for a task: update_task to doing, set_status working, do the work, write_artifact, then hand_off",
  "to another agent or update_task to review/done → back to wait_for_mail. Read atrium://board,",
  "atrium://world (district and agent ids) and atrium://artifacts when you need context. Tool errors",
  "start with 'error:' and say what to fix; nothing changed when you get one.",
].join(" ");

export interface SessionDeps {
  hub: ExternalAgents;
  store: Store;
  world: World;
  log: Logger;
  /** The token's message buckets (the same limits as a person's client), kept across its sessions. */
  limiter: ClientLimiter;
  /** Actions that make other agents think, per token per minute. */
  llmActions: LlmActionLimiter;
  /** The session ended: forget it. */
  onEnd(session: AgentSession): void;
}

/** A refusal before anything runs: audited like a refused tool call, the world unchanged. */
interface Refusal {
  code: McpToolErrorCode;
  message: string;
}

/**
 * One outside agent's MCP session: its own MCP server over one streamable HTTP transport, bound
 * to one agent token. Every world tool goes through the room's ToolExecutor, exactly as a
 * built-in agent's; before that, the session checks the token's role (MCP_POLICY), the agent's
 * pause, the rate limits and the budget, and audits any refusal. Mail reaches it through the
 * mailbox tools, and as a resource-updated notification for subscribers.
 */
export class AgentSession implements ExternalLink {
  readonly id = crypto.randomUUID();
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  /** Refreshed from the database on every request (budget used, revocation). */
  token: AgentToken;
  /** performance.now() of the last request's start or end. */
  lastSeen = performance.now();
  /** HTTP responses still open (a standing SSE stream, a wait_for_mail). */
  openResponses = 0;
  ended = false;
  /** Why it ended, once it has. */
  endReason: string | null = null;
  readonly tokenId: string;
  private room: WorkspaceRoom | null = null;
  /** What the agent said it is doing (set_status); its avatar goes back to it after each tool. */
  private activity: { state: AgentState; reason: string } = { state: "idle", reason: "connected over MCP" };
  private readonly waiters = new Set<() => void>();
  private readonly subscribed = new Set<string>();
  private boardTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribeBoard: () => void;

  constructor(
    private readonly deps: SessionDeps,
    token: AgentToken,
  ) {
    this.token = token;
    this.tokenId = token.id;
    this.transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => this.id });
    this.server = new Server(MCP_SERVER_INFO, {
      capabilities: { tools: { listChanged: false }, resources: { subscribe: true, listChanged: false } },
      instructions: MCP_INSTRUCTIONS,
    });
    this.server.onclose = () => this.end("the MCP session was closed");
    this.handlers();
    this.unsubscribeBoard = deps.store.work.onChange((change) => {
      if (change.kind === "audit" || change.workspace !== this.token.workspace || !this.subscribed.has(RESOURCE_URIS.board) || this.boardTimer) return;
      this.boardTimer = setTimeout(() => {
        this.boardTimer = null;
        if (!this.ended) void this.server.sendResourceUpdated({ uri: RESOURCE_URIS.board }).catch(() => undefined);
      }, BOARD_NOTIFY_MS);
    });
  }

  /** Badges the agent in (opens its room) and connects the MCP server to the transport. */
  async start(): Promise<void> {
    const { room } = await this.deps.hub.connect(this.token, this);
    this.room = room;
    await this.server.connect(this.transport);
  }

  // ── ExternalLink ────────────────────────────────────────────────────────────────────────────

  onMail(): void {
    for (const wake of [...this.waiters]) wake();
    if (this.subscribed.has(RESOURCE_URIS.mailbox)) void this.server.sendResourceUpdated({ uri: RESOURCE_URIS.mailbox }).catch(() => undefined);
  }

  close(reason: string): void {
    this.end(reason);
  }

  /** Ends the session once: the avatar shows offline with `reason`, waits end, the transport closes. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    this.deps.hub.disconnect(this.token, this, reason);
    for (const wake of [...this.waiters]) wake();
    this.unsubscribeBoard();
    if (this.boardTimer) clearTimeout(this.boardTimer);
    this.deps.onEnd(this);
    void this.transport.close().catch(() => undefined);
  }

  // ── Where the agent is ─────────────────────────────────────────────────────────────────────

  /** Its room and avatar now; a room that closed meanwhile is opened again and the agent placed in it. */
  private async place(): Promise<{ room: WorkspaceRoom; agent: LiveAgent | null }> {
    if (!this.room || !this.deps.hub.roomOf(this.token.workspace)) {
      const { room } = await this.deps.hub.connect(this.token, this);
      this.room = room;
    }
    const agent = this.deps.hub.agentOf(this.token);
    // A connected agent that calls in is not stuck: the watchdog measures from its last call.
    if (agent && mayMcp(this.token.role, "act")) agent.stateSince = performance.now();
    return { room: this.room, agent };
  }

  // ── Handlers ───────────────────────────────────────────────────────────────────────────────

  private handlers(): void {
    const s = this.server;
    s.setRequestHandler(ListToolsRequestSchema, async () => {
      const { room } = await this.place();
      return { tools: listTools(this.token.tools, mayMcp(this.token.role, "act"), this.toolContext(room)) };
    });
    s.setRequestHandler(CallToolRequestSchema, async (req, extra) => this.callTool(req.params.name, req.params.arguments ?? {}, extra.signal));
    s.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [...RESOURCE_LIST] }));
    s.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [...RESOURCE_TEMPLATES] }));
    s.setRequestHandler(ReadResourceRequestSchema, async (req) => {
      const uri = req.params.uri;
      const refused = this.admit("read-resource");
      if (refused) {
        this.auditRefusal("read-resource", uri, refused);
        throw new McpError(RATE_LIMITED, refused.message);
      }
      const { room, agent } = await this.place();
      const contents = await readResource(uri, { token: this.token, store: this.deps.store, world: this.deps.world, room, agent });
      if (!contents) throw new McpError(RESOURCE_NOT_FOUND, `there is no resource "${uri.slice(0, 200)}" in workspace ${this.token.workspace}; see resources/list and resources/templates/list`);
      return { contents: [{ uri, ...contents }] };
    });
    s.setRequestHandler(SubscribeRequestSchema, (req) => {
      const uri = req.params.uri;
      if (uri !== RESOURCE_URIS.mailbox && uri !== RESOURCE_URIS.board) throw new McpError(-32602, `only ${RESOURCE_URIS.mailbox} and ${RESOURCE_URIS.board} can be subscribed to`);
      this.subscribed.add(uri);
      return {};
    });
    s.setRequestHandler(UnsubscribeRequestSchema, (req) => {
      this.subscribed.delete(req.params.uri);
      return {};
    });
  }

  private toolContext(room: WorkspaceRoom) {
    return { districtIds: this.deps.world.districts.map((d) => d.id), agentIds: [...room.runtime.agents.keys()] };
  }

  /** Takes one message from the token's buckets; a refusal (and, persisting, the end of the session). */
  private admit(type: string): Refusal | null {
    const verdict = this.deps.limiter.admit(type, performance.now());
    if (verdict.ok) return null;
    if (verdict.disconnect) {
      auditLater(this.deps.store, { workspace: this.token.workspace, actor: this.token.agentId, kind: "limits-disconnect", data: { via: "mcp", type, message: verdict.message } }, this.deps.log);
      // After this answer goes out: the session ends, and the agent shows offline.
      setImmediate(() => this.end(`disconnected: ${verdict.message}, again and again`));
    }
    return { code: "rate_limited", message: verdict.message };
  }

  /** A call refused before it ran, in the audit trail like a refused tool call of a built-in agent. */
  private auditRefusal(tool: string, args: unknown, r: Refusal): void {
    const raw = typeof args === "string" ? args : JSON.stringify(args ?? {});
    auditLater(
      this.deps.store,
      {
        workspace: this.token.workspace,
        actor: this.token.agentId,
        kind: "tool",
        data: { tool, arguments: raw.slice(0, 4000), allowed: false, ok: false, error: r.message, code: r.code, via: "mcp", llmCallId: null },
      },
      this.deps.log,
    );
  }

  private refuse(tool: string, args: unknown, r: Refusal): CallToolResult {
    this.auditRefusal(tool, args, r);
    return toolResult(false, `error: ${r.message}`, { code: r.code });
  }

  private async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    // A say is chat, like a person's talk; everything else draws from the "other" bucket.
    const limited = this.admit(name === "say" ? "talk" : "mcp-tool");
    if (limited) return this.refuse(name, args, limited);
    const { room, agent } = await this.place();
    const t = this.token;
    if (isMcpOnlyTool(name) && name !== "set_status") return this.mailTool(name, args, agent, signal);
    if (!mayMcp(t.role, "act") || !agent) {
      return this.refuse(name, args, { code: "forbidden", message: `a ${t.role} agent token may read the workspace but not act in it; ask the owner for a member token` });
    }
    if (agent.view.state === "paused") {
      return this.refuse(name, args, { code: "paused", message: `you are paused (${agent.view.reason || "by the owner"}); wait until the owner resumes you` });
    }
    if (name === "set_status") {
      const p = parseMcpOnly("set_status", args);
      if (!p.ok) return this.refuse(name, args, { code: "invalid_arguments", message: p.error });
      this.activity = { state: p.args.state, reason: p.args.reason };
      this.restore(room, agent);
      await this.deps.store.audit({ workspace: t.workspace, actor: t.agentId, kind: "tool", data: { tool: name, arguments: p.args, allowed: true, ok: true, result: `status ${p.args.state}`, via: "mcp", llmCallId: null } });
      return toolResult(true, `your avatar shows ${p.args.state}${p.args.reason ? `: ${p.args.reason}` : ""}`);
    }
    const raw = JSON.stringify(args);
    const context = this.toolContext(room);
    const pre = parseToolCall(name, raw, t.tools, context);
    if (pre.ok) {
      // Handing work to another agent makes it think (an LLM call): the same per-minute allowance as a person's.
      const wakesAgent = pre.name === "hand_off" || (pre.name === "create_task" && pre.args.assignee !== undefined && room.runtime.agents.has(pre.args.assignee));
      if (wakesAgent) {
        const v = this.deps.llmActions.take(t.id, performance.now());
        if (!v.ok) return this.refuse(name, args, { code: "rate_limited", message: v.message });
      }
      const used = await this.deps.hub.tokens.spendCall(t.id);
      if (used === null) {
        room.runtime.free(agent, "budget reached", null);
        room.runtime.setState(agent, "paused", `budget reached (${t.budgetCalls} tool calls)`);
        return this.refuse(name, args, { code: "budget_exhausted", message: `your budget of ${t.budgetCalls} tool calls is spent; the owner can raise it` });
      }
      this.token = { ...t, usedCalls: used };
    }
    let outcome;
    try {
      // The built-in agents' own path: allow-list, zod, execution and the audit row.
      outcome = await room.runtime.tools.run(agent, name, raw);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return this.refuse(name, args, { code: "interrupted", message: `interrupted: ${reason}` });
    } finally {
      this.restore(room, agent);
    }
    return toolResult(outcome.ok, outcome.content, outcome.ok ? {} : { code: pre.ok ? "failed" : pre.code });
  }

  /** After a tool, the avatar shows what the agent said it is doing (not while it walks, waits, or is paused). */
  private restore(room: WorkspaceRoom, agent: LiveAgent): void {
    const s = agent.view.state;
    if (this.ended || agent.walk || s === "paused" || s === "offline" || s === "waiting-for-human") return;
    if (s !== this.activity.state || agent.view.reason !== this.activity.reason) room.runtime.setState(agent, this.activity.state, this.activity.reason);
  }

  private async mailTool(name: "read_mailbox" | "wait_for_mail", args: Record<string, unknown>, agent: LiveAgent | null, signal: AbortSignal): Promise<CallToolResult> {
    let limit: number | undefined;
    if (name === "read_mailbox") {
      const p = parseMcpOnly("read_mailbox", args);
      if (!p.ok) return this.refuse(name, args, { code: "invalid_arguments", message: p.error });
      limit = p.args.limit;
    } else {
      const p = parseMcpOnly("wait_for_mail", args);
      if (!p.ok) return this.refuse(name, args, { code: "invalid_arguments", message: p.error });
      if (agent && agent.mailbox.length === 0 && p.args.timeout_s > 0) await this.waitForMail(agent, p.args.timeout_s * 1000, signal);
    }
    const events = agent ? agent.mailbox.splice(0, limit ?? agent.mailbox.length) : [];
    const items = await Promise.all(events.map((e) => mailItem(e, this.deps.store)));
    if (agent && events.length) {
      // Like a built-in agent taking a task: the avatar shows the task it works on now.
      const task = events.find((e) => e.kind === "task");
      if (task?.kind === "task" && !agent.view.taskId) agent.view.taskId = task.taskId;
      auditLater(this.deps.store, { workspace: this.token.workspace, actor: this.token.agentId, kind: "mcp-mail-read", data: { count: events.length, kinds: events.map((e) => e.kind) } }, this.deps.log);
    }
    const text = items.length ? JSON.stringify(items, null, 2) : "no mail";
    return toolResult(true, text, { data: { mail: items, waiting: agent?.mailbox.length ?? 0 } });
  }

  private waitForMail(agent: LiveAgent, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener("abort", done);
      if (agent.mailbox.length > 0 || this.ended) done();
    });
  }
}
