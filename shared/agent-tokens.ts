/**
 * Agents that badge in from outside through MCP (server/src/mcp): what the owner's REST API and
 * the owner panel exchange about their tokens. Plain types and constants with no runtime
 * dependencies, so the client can import them.
 */

/** The `brain` of an agent driven from outside over MCP (shared/state.ts Agent.brain). */
export const EXTERNAL_BRAIN = "external";

/** Access roles an agent token may carry: a member works (its allowed tools), a spectator only reads. */
export const AGENT_TOKEN_ROLES = ["member", "spectator"] as const;
export type AgentTokenRole = (typeof AGENT_TOKEN_ROLES)[number];

/** Tool calls an agent token may make over its life, when the owner gives no budget. Default 1000. */
export const AGENT_TOKEN_DEFAULT_BUDGET_CALLS = 1000;
/** The most tool calls one token's budget may allow. Default 1 000 000. */
export const AGENT_TOKEN_MAX_BUDGET_CALLS = 1_000_000;
/** How long an agent token lasts when the owner gives no lifetime (s). Default 30 days. */
export const AGENT_TOKEN_TTL_DEFAULT_S = 30 * 24 * 3600;
/** The longest lifetime of an agent token (s). Default 365 days. */
export const AGENT_TOKEN_TTL_MAX_S = 365 * 24 * 3600;

/** One agent token as the owner sees it (never the secret, except once in the creation answer). */
export interface AgentTokenInfo {
  id: string;
  workspace: string;
  agentId: string;
  name: string;
  /** The agent's job, shown under its name (like a roster agent's `role`). */
  title: string;
  role: AgentTokenRole;
  tools: string[];
  home: string;
  colour: string;
  shape: string;
  budgetCalls: number;
  usedCalls: number;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  /** True while an MCP session of this token is open. */
  connected: boolean;
  /** The agent's state in the world now (idle, paused, offline…), or null when no room has it. */
  state: string | null;
}

/** The answer to POST /api/agent-tokens: the token itself is shown this once. */
export interface CreatedAgentToken {
  agentToken: AgentTokenInfo;
  token: string;
  /** Where an MCP client connects (streamable HTTP). */
  mcpUrl: string;
}
