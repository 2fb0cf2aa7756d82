import crypto from "node:crypto";
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { ROLES } from "../../../shared/roles";
import type { Logger } from "../logger";
import { AuthError, INVITE_TTL_DEFAULT_S, INVITE_TTL_MAX_S, type AuthService, type Identity } from "./auth";
import { restRule } from "./policy";

/** Largest JSON body the API accepts (bytes). Default 16 KiB. */
export const API_BODY_LIMIT_BYTES = 16 * 1024;

/** What the middleware leaves on `res.locals` for the routes. */
export interface RequestLocals {
  identity?: Identity;
  requestId: string;
}

/** The token of a request: `Authorization: Bearer <jwt>`, or `?token=` (links and downloads). */
function tokenOf(req: Request): string | null {
  const header = req.headers.authorization;
  if (typeof header === "string" && /^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, "").trim();
  const url = new URL(req.url, "http://x");
  const t = url.searchParams.get("token");
  return t && t.length > 0 ? t : null;
}

/** Removes `token` from the query, so routes (which refuse unknown parameters) never see it. */
function stripToken(req: Request): void {
  const q = req.url.indexOf("?");
  if (q < 0) return;
  const params = new URLSearchParams(req.url.slice(q + 1));
  if (!params.has("token")) return;
  params.delete("token");
  const rest = params.toString();
  req.url = req.url.slice(0, q) + (rest ? `?${rest}` : "");
}

/**
 * Every HTTP request gets a request id (X-Request-Id, echoed back, and in the logs); every
 * policed path (server/src/auth/policy.ts) is checked against the caller's role before any
 * route runs. The one place REST access is decided.
 */
export function mountHttpAuth(app: Application, auth: AuthService, log: Logger): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const verdict = restRule(req.method, req.path);
    const reqLog = log.child({ requestId, method: req.method, path: req.path });
    // One structured line per request, with its id (API and policed paths at info, assets at debug).
    const started = performance.now();
    res.on("finish", () => {
      const identity = res.locals.identity as Identity | undefined;
      const fields = { status: res.statusCode, ms: Math.round(performance.now() - started), role: identity?.role ?? null, invite: identity?.inviteId ?? null };
      if (verdict.kind === "unpoliced") reqLog.debug(fields, "request");
      else reqLog.info(fields, "request");
    });
    if (verdict.kind === "unpoliced") return next();
    if (verdict.kind === "unlisted") {
      reqLog.info("refused: endpoint not in the access policy");
      res.status(403).json({ error: `forbidden: ${req.method} ${req.path} is not an endpoint anyone may use` });
      return;
    }
    const token = tokenOf(req);
    stripToken(req);
    if (verdict.rule.public && !token) return next();
    auth.identify(token).then(
      (identity) => {
        if (!verdict.rule.roles.includes(identity.role)) {
          reqLog.info({ role: identity.role }, "refused by the access policy");
          res.status(403).json({ error: `forbidden: a ${identity.role} may not ${req.method} ${verdict.rule.path}` });
          return;
        }
        res.locals.identity = identity;
        next();
      },
      (err: unknown) => {
        const message = err instanceof AuthError ? err.message : "the token could not be checked";
        reqLog.info({ reason: err instanceof AuthError ? err.reason : "error" }, "refused: bad or missing token");
        res.status(401).json({ error: message });
      },
    );
  });
}

const inviteBody = z.strictObject({
  role: z.enum(ROLES.filter((r) => r !== "owner") as ["member", "spectator"], { message: "must be member or spectator" }),
  /** Seconds until the link expires. */
  ttlS: z.number().int("must be a whole number of seconds").min(60, "must be at least 60 seconds").max(INVITE_TTL_MAX_S, `must be at most ${INVITE_TTL_MAX_S} seconds`).default(INVITE_TTL_DEFAULT_S),
  label: z.string().trim().max(80, "at most 80 characters").refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters").optional(),
});

/** The link a token opens: the app at `origin` with ?token= (and the workspace, when given). */
export function joinLink(origin: string, token: string, workspace?: string): string {
  const u = new URL("/", origin);
  if (workspace) u.searchParams.set("workspace", workspace);
  u.searchParams.set("token", token);
  return u.toString();
}

/** GET /api/me, and the owner's invite links: GET/POST /api/invites, DELETE /api/invites/:id. */
export function mountAuthApi(app: Application, auth: AuthService): void {
  app.get("/api/me", (_req, res) => {
    const identity = res.locals.identity as Identity;
    res.json({ role: identity.role, via: identity.via, authMode: auth.mode });
  });

  app.get("/api/invites", async (_req, res) => {
    res.json({ invites: await auth.listInvites() });
  });

  app.post("/api/invites", express.json({ limit: API_BODY_LIMIT_BYTES }), async (req, res) => {
    const parsed = inviteBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: `bad invite: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}` });
      return;
    }
    const identity = res.locals.identity as Identity;
    const { invite, token } = await auth.issue({ role: parsed.data.role, ttlS: parsed.data.ttlS, label: parsed.data.label, createdBy: identity.inviteId ?? "owner" });
    const origin = `${req.protocol}://${req.get("host") ?? "localhost"}`;
    res.status(201).json({ invite, token, link: joinLink(origin, token) });
  });

  app.delete("/api/invites/:id", async (req, res) => {
    const id = String(req.params.id);
    if (!/^[0-9a-f-]{36}$/.test(id)) {
      res.status(400).json({ error: "bad invite id: must be a UUID" });
      return;
    }
    const identity = res.locals.identity as Identity;
    const invite = await auth.revoke(id, identity.inviteId ?? "owner");
    if (!invite) {
      res.status(404).json({ error: `there is no invite "${id}"` });
      return;
    }
    res.json({ invite });
  });
}
