import type { AgentTokenInfo } from "../../../shared/agent-tokens";
import type { Logger } from "../logger";
import type { HostRelay } from "../scale/host-relay";
import type { AgentToken } from "./agent-tokens";
import type { ExternalAgents } from "./external-agents";

/**
 * The owner's agent-token actions, done where the workspace's room lives. With one process that
 * is always here. With several (REDIS_URL) the owner's REST call may reach a process that does
 * not host the room; the action then travels to the host through the Colyseus presence
 * (server/src/scale/host-relay.ts), and the host does it on the live room: a new token's agent
 * appears at once, a revoked one's session ends and its avatar leaves, pause and resume act, and
 * the owner panel sees whether an agent is connected. The tokens themselves are in the shared
 * database, so the host reads the same row.
 */

/** What the owner did to a token; each is done by ExternalAgents on the hosting process. */
export type TokenAction = "issued" | "revoked" | "pause" | "resume" | "budget";
const ACTIONS: readonly TokenAction[] = ["issued", "revoked", "pause", "resume", "budget"];

/** An action's outcome: why it was refused (null when done) and the token as the owner panel shows it. */
export interface TokenActionResult {
  refusal: string | null;
  info: AgentTokenInfo | null;
}

type LiveStatus = Pick<AgentTokenInfo, "connected" | "state">;

const RELAY_ACTION = "mcp.token-action";
const RELAY_STATUS = "mcp.token-status";

export class AgentTokenRelay {
  constructor(
    private readonly hub: ExternalAgents,
    private readonly relay: HostRelay | null,
    private readonly log: Logger,
  ) {
    relay?.handle(RELAY_ACTION, (args) => this.answerAction(args));
    relay?.handle(RELAY_STATUS, (args) => this.answerStatus(args));
  }

  /** Does `action` on the token's live room, here or on the process that hosts it. Never throws. */
  async act(action: TokenAction, t: AgentToken, by: string): Promise<TokenActionResult> {
    const host = this.relay && !this.hub.roomOf(t.workspace) ? await this.relay.hostOf(t.workspace) : null;
    if (!host || !this.relay) return this.local(action, t, by);
    try {
      return await this.relay.call<TokenActionResult>(host.processId, RELAY_ACTION, [action, t.id, by]);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.log.warn({ workspace: t.workspace, agent: t.agentId, action, host: host.processId, err: why }, "agent-token action could not reach the workspace's host");
      // The row is changed either way; what the live room shows waits for its host.
      const refusal = action === "pause" || action === "resume" ? `${t.name} could not be reached: ${why}` : null;
      return { refusal, info: this.hub.info(t) };
    }
  }

  /** The owner panel's view of tokens, with connected/state from the process hosting each workspace. */
  async infos(tokens: AgentToken[]): Promise<AgentTokenInfo[]> {
    const remote = new Map<string, LiveStatus>();
    if (this.relay) {
      const elsewhere = [...new Set(tokens.map((t) => t.workspace))].filter((w) => !this.hub.roomOf(w));
      await Promise.all(
        elsewhere.map(async (workspace) => {
          const host = await this.relay!.hostOf(workspace);
          if (!host) return;
          const ids = tokens.filter((t) => t.workspace === workspace).map((t) => t.id);
          try {
            const statuses = await this.relay!.call<Record<string, LiveStatus>>(host.processId, RELAY_STATUS, [ids]);
            for (const [id, s] of Object.entries(statuses ?? {})) remote.set(id, s);
          } catch (err) {
            this.log.warn({ workspace, host: host.processId, err: err instanceof Error ? err.message : String(err) }, "could not read outside agents' status from the workspace's host");
          }
        }),
      );
    }
    return tokens.map((t) => {
      const s = remote.get(t.id);
      return s ? { ...this.hub.info(t), connected: s.connected === true, state: s.state ?? null } : this.hub.info(t);
    });
  }

  /** The action on this process's room (or on none, when no process hosts the workspace). */
  private local(action: TokenAction, t: AgentToken, by: string): TokenActionResult {
    let refusal: string | null = null;
    switch (action) {
      case "issued":
        this.hub.issued(t);
        break;
      case "revoked":
        this.hub.revoked(t);
        break;
      case "pause":
        refusal = this.hub.pause(t, by);
        break;
      case "resume":
        refusal = this.hub.resume(t, by);
        break;
      case "budget": {
        // An agent stopped by its budget works again once the new budget allows.
        const agent = this.hub.agentOf(t);
        if (agent?.view.state === "paused" && /^budget reached/.test(agent.view.reason) && t.usedCalls < t.budgetCalls) this.hub.resume(t, by, "budget raised");
        break;
      }
    }
    return { refusal, info: this.hub.info(t) };
  }

  /** On the hosting process: an action the owner took through another process. */
  private async answerAction(args: unknown[]): Promise<TokenActionResult> {
    const [action, id, by] = args;
    if (!ACTIONS.includes(action as TokenAction) || typeof id !== "string" || typeof by !== "string") return { refusal: "malformed relayed agent-token action", info: null };
    const t = await this.hub.tokens.get(id);
    if (!t) return { refusal: `there is no agent token "${id}"`, info: null };
    return this.local(action as TokenAction, t, by);
  }

  /** On the hosting process: whether these tokens' agents are connected, and their states. */
  private async answerStatus(args: unknown[]): Promise<Record<string, LiveStatus>> {
    const [ids] = args;
    const out: Record<string, LiveStatus> = {};
    if (!Array.isArray(ids)) return out;
    for (const id of ids.slice(0, 1000)) {
      const t = typeof id === "string" ? await this.hub.tokens.get(id) : null;
      if (t) {
        const { connected, state } = this.hub.info(t);
        out[t.id] = { connected, state };
      }
    }
    return out;
  }
}
