import type { Role } from "../../../shared/roles";

/**
 * THE access policy: every client message type and every HTTP endpoint, with the roles allowed.
 * Nothing else in the server decides who may do what. The room's `handle()` wrapper asks
 * `maySend` before it parses a message, and the HTTP middleware (./http-auth.ts) asks
 * `restRule` before any route runs. Anything not listed here is refused ("deny by default"):
 * a new message type or endpoint must be added below, with its roles, before anyone can use it.
 */

const EVERYONE: readonly Role[] = ["owner", "member", "spectator"];
/** People with an avatar who work: may change things. */
const WORKERS: readonly Role[] = ["owner", "member"];
const OWNER: readonly Role[] = ["owner"];

/** Client → server room messages. Spectators send nothing that mutates, which is every type. */
export const MESSAGE_POLICY: Readonly<Record<string, readonly Role[]>> = {
  move: WORKERS,
  rename: WORKERS,
  talk: WORKERS,
  answer: WORKERS,
  "task-create": WORKERS,
  "task-update": WORKERS,
  // Voice (server/src/voice). voice-hello hands out the token that lets a seat POST utterances
  // (which talk to agents), so spectators get none of these: they neither speak nor interrupt.
  "voice-hello": WORKERS,
  "voice-prefs": WORKERS,
  "voice-barge-in": WORKERS,
  // Moderation: the owner only.
  mute: OWNER,
  unmute: OWNER,
  kick: OWNER,
  "agent-pause": OWNER,
  "agent-resume": OWNER,
  "agent-budget": OWNER,
};

/** May `role` send room messages of `type`? False for any type not in MESSAGE_POLICY. */
export function maySend(role: Role, type: string): boolean {
  const allowed = Object.hasOwn(MESSAGE_POLICY, type) ? MESSAGE_POLICY[type] : undefined;
  return allowed !== undefined && allowed.includes(role);
}

/** Every message type the policy names, for the RBAC test. */
export function policedMessageTypes(): string[] {
  return Object.keys(MESSAGE_POLICY);
}

export interface RestRule {
  method: "GET" | "POST" | "DELETE" | "PUT" | "PATCH";
  /** Express-style path: `:name` matches one segment. */
  path: string;
  roles: readonly Role[];
  /** Open to anyone, without any identity (health checks, the owner's first look). */
  public?: boolean;
}

/** HTTP endpoints. Paths under /api not listed here answer 403. */
export const REST_POLICY: readonly RestRule[] = [
  { method: "GET", path: "/healthz", roles: EVERYONE, public: true },
  { method: "GET", path: "/readyz", roles: EVERYONE, public: true },
  { method: "GET", path: "/metrics", roles: WORKERS },
  { method: "POST", path: "/metrics/reset", roles: WORKERS },
  // The work, read-only (docs/API.md): everyone who may be in the workspace may read it.
  { method: "GET", path: "/api/tasks", roles: EVERYONE },
  { method: "GET", path: "/api/tasks/:id", roles: EVERYONE },
  { method: "GET", path: "/api/artifacts/:id", roles: EVERYONE },
  { method: "GET", path: "/api/export", roles: WORKERS },
  { method: "GET", path: "/api/audit", roles: WORKERS },
  { method: "GET", path: "/api/replay", roles: EVERYONE },
  // The spectator dashboard's charts (server/src/http/stats-api.ts): aggregates only, no prompts.
  { method: "GET", path: "/api/stats", roles: EVERYONE },
  { method: "GET", path: "/api/llm-calls/:id", roles: WORKERS },
  // One spoken utterance (server/src/voice/voice-http.ts). It proves its seat with the voice token
  // the room gives only to roles allowed "voice-hello" above; a join token, when sent, must allow it too.
  { method: "POST", path: "/api/voice/utterance", roles: WORKERS, public: true },
  // Who am I (the client asks which role its link carries).
  { method: "GET", path: "/api/me", roles: EVERYONE },
  // Invite links: the owner only.
  { method: "GET", path: "/api/invites", roles: OWNER },
  { method: "POST", path: "/api/invites", roles: OWNER },
  { method: "DELETE", path: "/api/invites/:id", roles: OWNER },
  // Agent tokens for outside agents over MCP (server/src/mcp/agent-token-api.ts): the owner only.
  { method: "GET", path: "/api/agent-tokens", roles: OWNER },
  { method: "POST", path: "/api/agent-tokens", roles: OWNER },
  { method: "DELETE", path: "/api/agent-tokens/:id", roles: OWNER },
  { method: "POST", path: "/api/agent-tokens/:id/pause", roles: OWNER },
  { method: "POST", path: "/api/agent-tokens/:id/resume", roles: OWNER },
  { method: "PUT", path: "/api/agent-tokens/:id/budget", roles: OWNER },
];

/**
 * Outside agents over MCP (server/src/mcp). `/mcp` is not under POLICED_PREFIXES: it takes agent
 * tokens, not join tokens, and the MCP layer checks them. What an agent token's role may do:
 * connect and read (the board, its mailbox, artifacts) as a member or a spectator; change the
 * world (its allowed tools, its status) as a member only.
 */
export const MCP_POLICY: Readonly<Record<"connect" | "read" | "act", readonly Role[]>> = {
  connect: ["member", "spectator"],
  read: ["member", "spectator"],
  act: ["member"],
};

/** May an agent token of `role` do `action` over MCP? */
export function mayMcp(role: Role, action: keyof typeof MCP_POLICY): boolean {
  return MCP_POLICY[action].includes(role);
}

/** Paths the middleware polices even when no rule matches (deny by default). */
export const POLICED_PREFIXES = ["/api", "/metrics"] as const;

interface CompiledRule extends RestRule {
  pattern: RegExp;
}

const compiled: CompiledRule[] = REST_POLICY.map((rule) => ({
  ...rule,
  pattern: new RegExp(`^${rule.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[a-zA-Z]+/g, "[^/]+")}/?$`),
}));

export type RestVerdict =
  | { kind: "unpoliced" }
  | { kind: "rule"; rule: RestRule }
  | { kind: "unlisted" };

/** The rule for `method path` (HEAD counts as GET), or why there is none. */
export function restRule(method: string, path: string): RestVerdict {
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  const rule = compiled.find((r) => r.method === m && r.pattern.test(path));
  if (rule) return { kind: "rule", rule };
  const policed = POLICED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
  return policed ? { kind: "unlisted" } : { kind: "unpoliced" };
}
