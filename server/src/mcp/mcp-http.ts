import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { World } from "../../../shared/world";
import { mayMcp } from "../auth/policy";
import { ClientLimiter, LlmActionLimiter, type Limits } from "../auth/limits";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import { auditLater } from "../audit-later";
import { AgentTokenError, type AgentToken } from "./agent-tokens";
import type { ExternalAgents } from "./external-agents";
import { AgentSession } from "./mcp-session";

/** Where MCP clients connect (streamable HTTP), on the same port as everything else. */
export const MCP_PATH = "/mcp";
/** A session with no open response and no request for this long ends, and its agent shows offline (ms). Default 20 000. */
export const MCP_IDLE_TIMEOUT_MS = 20_000;
/** How often idle sessions are looked for (ms). Default 2000. */
export const MCP_SWEEP_MS = 2_000;
/** Largest JSON-RPC body read (bytes): a 20 000-character markdown artifact fits. Default 256 KiB. */
export const MCP_BODY_LIMIT_BYTES = 256 * 1024;
/** Most MCP sessions open at once on one server. Default 256. */
export const MCP_MAX_SESSIONS = 256;
/** Refused tokens audited per minute at most (a flood of bad tokens must not flood the audit table). Default 60. */
export const MCP_REFUSAL_AUDITS_PER_MINUTE = 60;
/** Ended sessions remembered, to tell a client why its session is gone. Default 200. */
const ENDED_REMEMBERED = 200;

/** JSON-RPC error codes of the HTTP side (implementation-defined server errors). */
export const MCP_HTTP_ERRORS = { unauthorized: -32001, forbidden: -32003, noSession: -32000, unavailable: -32004 } as const;

export interface McpHttpDeps {
  hub: ExternalAgents;
  store: Store;
  world: World;
  log: Logger;
  limits: Limits;
  isDraining: () => boolean;
  /** Tests shorten these. */
  idleTimeoutMs?: number;
  sweepMs?: number;
}

function jsonRpcError(res: Response, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  return typeof h === "string" && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, "").trim() : null;
}

/**
 * The MCP endpoint: streamable HTTP at /mcp, one session per connected outside agent. Every
 * request carries the agent token (Authorization: Bearer), checked again each time, so a revoked
 * token stops at once. Bad, revoked or expired tokens get HTTP 401 with a JSON-RPC error, audited
 * (`mcp-refused`); the world is unchanged.
 */
export class McpHttp {
  readonly sessions = new Map<string, AgentSession>();
  private readonly ended = new Map<string, string>();
  /** Per token, across its sessions: reconnecting does not refill the buckets. */
  private readonly limiters = new Map<string, ClientLimiter>();
  private readonly llmActions: LlmActionLimiter;
  private readonly refusalAudits = new LlmActionLimiter(MCP_REFUSAL_AUDITS_PER_MINUTE);
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(private readonly deps: McpHttpDeps) {
    this.llmActions = new LlmActionLimiter(deps.limits.llmActionsPerMinute);
    const idle = deps.idleTimeoutMs ?? MCP_IDLE_TIMEOUT_MS;
    this.sweep = setInterval(() => {
      const now = performance.now();
      for (const s of [...this.sessions.values()]) {
        if (s.openResponses === 0 && now - s.lastSeen > idle) s.end(`no contact for ${Math.round(idle / 1000)} s`);
      }
    }, deps.sweepMs ?? MCP_SWEEP_MS);
    this.sweep.unref();
  }

  mount(app: Application): void {
    app.all(MCP_PATH, express.json({ limit: MCP_BODY_LIMIT_BYTES }), (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.deps.log.error({ err }, "MCP request failed");
        jsonRpcError(res, 500, -32603, "internal error");
      });
    });
    // A body that is not JSON, or too large, answers JSON-RPC too.
    app.use(MCP_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (!err) return next();
      const tooLarge = (err as { type?: string }).type === "entity.too.large";
      jsonRpcError(res, tooLarge ? 413 : 400, -32700, tooLarge ? `the request is larger than ${MCP_BODY_LIMIT_BYTES} bytes` : "the request body is not valid JSON");
    });
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const { hub } = this.deps;
    let token: AgentToken;
    try {
      token = await hub.tokens.verify(bearer(req));
    } catch (err) {
      if (!(err instanceof AgentTokenError)) throw err;
      this.refused(err);
      res.setHeader("WWW-Authenticate", `Bearer realm="atrium", error="invalid_token", error_description="${err.message.replace(/"/g, "'").replace(/[^\x20-\x7e]/g, "")}"`);
      jsonRpcError(res, 401, MCP_HTTP_ERRORS.unauthorized, `unauthorized: ${err.message}`);
      return;
    }
    if (!mayMcp(token.role, "connect")) {
      jsonRpcError(res, 403, MCP_HTTP_ERRORS.forbidden, `forbidden: a ${token.role} agent token may not connect`);
      return;
    }
    const sid = req.headers["mcp-session-id"];
    if (typeof sid !== "string") {
      if (req.method !== "POST" || !isInitializeRequest(req.body)) {
        jsonRpcError(res, 400, MCP_HTTP_ERRORS.noSession, "no MCP session: start with an initialize request (POST without an mcp-session-id header)");
        return;
      }
      if (this.deps.isDraining()) return jsonRpcError(res, 503, MCP_HTTP_ERRORS.unavailable, "the server is shutting down; try again in a moment");
      if (this.sessions.size >= MCP_MAX_SESSIONS) return jsonRpcError(res, 503, MCP_HTTP_ERRORS.unavailable, "too many MCP sessions are open on this server; try again later");
      const session = new AgentSession(
        {
          hub,
          store: this.deps.store,
          world: this.deps.world,
          log: this.deps.log,
          limiter: this.limiterOf(token.id),
          llmActions: this.llmActions,
          onEnd: (s) => this.forget(s),
        },
        token,
      );
      this.sessions.set(session.id, session);
      try {
        await session.start();
      } catch (err) {
        session.end("could not badge in");
        jsonRpcError(res, 503, MCP_HTTP_ERRORS.unavailable, `cannot badge in: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      await this.serve(session, req, res);
      if (!session.transport.sessionId) session.end("the initialize request was refused");
      return;
    }
    const session = this.sessions.get(sid);
    if (!session) {
      const why = this.ended.get(sid);
      jsonRpcError(res, 404, MCP_HTTP_ERRORS.noSession, `this MCP session has ended${why ? ` (${why})` : ""}; start a new one with initialize`);
      return;
    }
    if (session.tokenId !== token.id) {
      jsonRpcError(res, 403, MCP_HTTP_ERRORS.forbidden, "forbidden: this MCP session belongs to another agent token");
      return;
    }
    session.token = token;
    await this.serve(session, req, res);
  }

  private async serve(session: AgentSession, req: Request, res: Response): Promise<void> {
    session.openResponses++;
    session.lastSeen = performance.now();
    res.on("close", () => {
      session.openResponses--;
      session.lastSeen = performance.now();
    });
    await session.transport.handleRequest(req, res, req.body);
  }

  /** A refused token, audited (at most MCP_REFUSAL_AUDITS_PER_MINUTE a minute) and logged. */
  private refused(err: AgentTokenError): void {
    const t = err.token;
    this.deps.log.info({ reason: err.reason, agent: t?.agentId }, "MCP request refused: bad agent token");
    if (!this.refusalAudits.take("all", performance.now()).ok) return;
    auditLater(this.deps.store, { workspace: t?.workspace ?? "*", actor: t?.agentId ?? "anonymous", kind: "mcp-refused", data: { reason: err.reason, token: t?.id ?? null, message: err.message } }, this.deps.log);
  }

  private limiterOf(tokenId: string): ClientLimiter {
    let l = this.limiters.get(tokenId);
    if (!l) this.limiters.set(tokenId, (l = new ClientLimiter(this.deps.limits, performance.now())));
    return l;
  }

  private forget(s: AgentSession): void {
    this.sessions.delete(s.id);
    this.ended.set(s.id, s.endReason ?? "ended");
    if (this.ended.size > ENDED_REMEMBERED) this.ended.delete(this.ended.keys().next().value!);
  }

  /** Ends every session (shutdown). */
  close(reason = "the server is shutting down"): void {
    clearInterval(this.sweep);
    for (const s of [...this.sessions.values()]) s.end(reason);
  }
}
