import type { AgentTokenInfo, CreatedAgentToken } from "../../../shared/agent-tokens";

/**
 * The owner's agent-token API (server/src/mcp/agent-token-api.ts), for the owner panel. The join
 * token goes along as Authorization (join-token.ts installs that for every /api request).
 */

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** The role this tab's link carries. */
export async function myRole(): Promise<string> {
  return (await api<{ role: string }>("/api/me")).role;
}

export function listAgentTokens(workspace: string): Promise<{ agentTokens: AgentTokenInfo[]; tools: string[] }> {
  return api(`/api/agent-tokens?workspace=${encodeURIComponent(workspace)}`);
}

export interface NewAgentTokenInput {
  workspace: string;
  agentId: string;
  name: string;
  title?: string;
  role: "member" | "spectator";
  tools: string[];
  budgetCalls: number;
}

export function createAgentToken(input: NewAgentTokenInput): Promise<CreatedAgentToken> {
  return api("/api/agent-tokens", { method: "POST", body: input });
}

/** Revoke, pause or resume the agent of a token. */
export function agentTokenAction(id: string, action: "revoke" | "pause" | "resume"): Promise<unknown> {
  return action === "revoke" ? api(`/api/agent-tokens/${id}`, { method: "DELETE" }) : api(`/api/agent-tokens/${id}/${action}`, { method: "POST" });
}
