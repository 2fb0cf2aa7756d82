import { matchMaker } from "@colyseus/core";
import type { AgentConfig, AgentShape } from "../../../shared/agents";
import type { AgentTokenInfo } from "../../../shared/agent-tokens";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import { NoticeMessage, type NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { LiveAgent } from "../agents/runtime";
import type { Logger } from "../logger";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { RESUME_NOTE } from "../rooms/task-intents";
import type { Store } from "../store/store";
import { auditLater } from "../audit-later";
import { AgentTokens, isLive, type AgentToken } from "./agent-tokens";

/**
 * The outside agents of every workspace: which are registered in which room (as avatars with
 * brain "external"), which are connected over MCP right now, and what the owner does to them
 * (pause, resume, revoke). The MCP sessions (./mcp-session.ts) and the owner's REST API
 * (./agent-token-api.ts) both act through here.
 */

/** What the hub needs from the MCP session an outside agent is connected through. */
export interface ExternalLink {
  readonly tokenId: string;
  /** Mail arrived in the agent's mailbox. */
  onMail(): void;
  /** Ends the session; the session then tells the hub (disconnect), which marks the agent offline. */
  close(reason: string): void;
}

export interface ExternalAgentsDeps {
  store: Store;
  log: Logger;
  /** The server's live workspace rooms (rooms add and remove themselves). */
  rooms: ReadonlySet<WorkspaceRoom>;
  /** True while the server drains for shutdown: no room is opened for an agent then. */
  isDraining: () => boolean;
}

/** The roster-like config of an agent token, so the runtime and the tools treat it like any agent. */
export function externalConfig(t: AgentToken): AgentConfig {
  return {
    id: t.agentId,
    name: t.name,
    role: t.title,
    persona: `${t.name} (${t.title}) is an outside agent that badges in over MCP; its own process decides what it does.`,
    home: t.home,
    tools: t.tools,
    appearance: { colour: t.colour, shape: t.shape as AgentShape },
    // It thinks elsewhere and spends nothing here; its budget is counted in tool calls (agent_tokens).
    budget: { usd: 0 },
  };
}

const key = (workspace: string, agentId: string) => `${workspace}/${agentId}`;

export class ExternalAgents {
  readonly tokens: AgentTokens;
  /** Connected sessions by workspace/agent. */
  private readonly online = new Map<string, ExternalLink>();
  /** Rooms being opened for an agent, by workspace, so two sessions never open two rooms. */
  private readonly opening = new Map<string, Promise<WorkspaceRoom>>();

  constructor(private readonly deps: ExternalAgentsDeps) {
    this.tokens = new AgentTokens(deps.store);
  }

  /** The live room of a workspace, or null. */
  roomOf(workspace: string): WorkspaceRoom | null {
    for (const room of this.deps.rooms) if (room.workspace === workspace && room.runtime) return room;
    return null;
  }

  /** The live room of a workspace, created (with nobody in it yet) when there is none. */
  async open(workspace: string): Promise<WorkspaceRoom> {
    const live = this.roomOf(workspace);
    if (live) return live;
    if (this.deps.isDraining()) throw new Error("the server is shutting down; try again in a moment");
    let pending = this.opening.get(workspace);
    if (!pending) {
      pending = (async () => {
        // With REDIS_URL another process may host the workspace, and its agents with it: never open a second room here.
        const elsewhere = (await matchMaker.query({ name: WORKSPACE_ROOM, workspace })).find((l) => l.processId !== matchMaker.processId);
        if (elsewhere) throw new Error(`workspace "${workspace}" is hosted by another Atrium process (${elsewhere.publicAddress ?? elsewhere.processId}); point the MCP client at that process (docs/DEPLOYMENT.md)`);
        const listing = await matchMaker.handleCreateRoom(WORKSPACE_ROOM, { workspace });
        const room = [...this.deps.rooms].find((r) => r.roomId === listing.roomId) ?? this.roomOf(workspace);
        if (!room) throw new Error(`the room of workspace "${workspace}" could not be opened`);
        return room;
      })().finally(() => this.opening.delete(workspace));
      this.opening.set(workspace, pending);
    }
    return pending;
  }

  /**
   * A room was created: its workspace's outside agents (every live token) appear in it, offline
   * until they connect, so people and agents can hand them tasks and talk to them meanwhile; the
   * tasks they had under way wait in their mailboxes.
   */
  async onRoomCreated(room: WorkspaceRoom): Promise<void> {
    const [tokens, resumable] = await Promise.all([this.tokens.list(room.workspace), this.deps.store.queries.resumableTasks(room.workspace)]);
    for (const t of tokens) {
      if (!isLive(t) || t.role !== "member") continue;
      try {
        this.register(room, t);
      } catch (err) {
        this.deps.log.warn({ err, workspace: room.workspace, agent: t.agentId }, "could not place an outside agent");
        continue;
      }
      const resumed: string[] = [];
      for (const task of resumable) {
        if (task.assignee?.kind !== "agent" || task.assignee.id !== t.agentId) continue;
        if (room.runtime.deliver(t.agentId, { kind: "task", taskId: task.id, from: { id: "system", name: "Atrium", kind: "system" }, note: RESUME_NOTE })) resumed.push(task.id);
      }
      if (resumed.length) auditLater(this.deps.store, { workspace: room.workspace, actor: "system", kind: "resume", data: { agent: t.agentId, taskIds: resumed } }, this.deps.log);
    }
  }

  /** Puts the token's agent in the room (once); mail to it reaches its session when there is one. */
  register(room: WorkspaceRoom, t: AgentToken): LiveAgent {
    const k = key(t.workspace, t.agentId);
    return room.runtime.addExternal(externalConfig(t), { onMail: () => this.online.get(k)?.onMail() });
  }

  /** The token's agent in its live room, or null. */
  agentOf(t: AgentToken): LiveAgent | null {
    const agent = this.roomOf(t.workspace)?.runtime.agents.get(t.agentId);
    return agent?.external ? agent : null;
  }

  /** The session of a token's agent, when it is connected. */
  linkOf(t: AgentToken): ExternalLink | null {
    const link = this.online.get(key(t.workspace, t.agentId));
    return link && link.tokenId === t.id ? link : null;
  }

  /**
   * The agent badges in: its room is opened (and kept open while it is connected), it appears
   * idle, and an older session of the same agent is ended. Audited as `mcp-connect`.
   */
  async connect(t: AgentToken, link: ExternalLink): Promise<{ room: WorkspaceRoom; agent: LiveAgent | null }> {
    const room = await this.open(t.workspace);
    // A spectator token reads the workspace without an avatar, like a spectator person.
    const agent = t.role === "member" ? this.register(room, t) : null;
    const k = key(t.workspace, t.agentId);
    const before = this.online.get(k);
    this.online.set(k, link);
    if (before && before !== link) before.close("a newer session of the same agent connected");
    room.autoDispose = false;
    if (agent?.view.state === "offline") room.runtime.setState(agent, "idle", "connected over MCP");
    auditLater(this.deps.store, { workspace: t.workspace, actor: t.agentId, kind: "mcp-connect", data: { token: t.id, name: t.name, role: t.role, replaced: before !== undefined && before !== link } }, this.deps.log);
    this.deps.log.info({ workspace: t.workspace, agent: t.agentId }, "outside agent connected over MCP");
    return { room, agent };
  }

  /**
   * The session ended (closed, timed out, refused for flooding, revoked): the avatar shows
   * offline with the reason, and anything it was doing (a walk, an open question) is stopped.
   * Its work stays. Audited as `mcp-disconnect`.
   */
  disconnect(t: AgentToken, link: ExternalLink, reason: string): void {
    const k = key(t.workspace, t.agentId);
    if (this.online.get(k) !== link) return;
    this.online.delete(k);
    const room = this.roomOf(t.workspace);
    const agent = this.agentOf(t);
    if (room && agent) {
      const paused = agent.view.state === "paused";
      room.runtime.free(agent, reason, null);
      // A paused agent stays paused (the owner decides); it shows offline once resumed.
      if (paused) room.runtime.setState(agent, "paused", agent.view.reason || "paused by the owner");
      else room.runtime.setState(agent, "offline", reason);
    }
    if (room && !this.anyOnlineIn(t.workspace)) room.autoDispose = true; // Colyseus closes it once nobody is in it
    auditLater(this.deps.store, { workspace: t.workspace, actor: t.agentId, kind: "mcp-disconnect", data: { token: t.id, reason } }, this.deps.log);
    this.deps.log.info({ workspace: t.workspace, agent: t.agentId, reason }, "outside agent disconnected");
  }

  private anyOnlineIn(workspace: string): boolean {
    for (const k of this.online.keys()) if (k.startsWith(`${workspace}/`)) return true;
    return false;
  }

  /** A new token: its agent appears (offline) in the live room at once. */
  issued(t: AgentToken): void {
    const room = this.roomOf(t.workspace);
    if (room && t.role === "member") this.register(room, t);
  }

  /** A revoked token: its session ends and its avatar leaves the world; its work stays. */
  revoked(t: AgentToken): void {
    this.linkOf(t)?.close("its token was revoked by the owner");
    this.roomOf(t.workspace)?.runtime.removeExternal(t.agentId);
  }

  /** The owner pauses the agent: what it does now is stopped, and its tool calls are refused until resumed. */
  pause(t: AgentToken, by: string, reason = "paused by the owner"): string | null {
    const room = this.roomOf(t.workspace);
    const agent = this.agentOf(t);
    if (!room || !agent) return `${t.name} is not in the workspace now`;
    room.runtime.free(agent, reason, null);
    room.runtime.setState(agent, "paused", reason);
    this.moderated(room, by, "agent-pause", t.agentId, `${t.name} was paused by the owner.`);
    return null;
  }

  /** The owner resumes a paused agent: idle when connected, offline otherwise. */
  resume(t: AgentToken, by: string, reason = "resumed by the owner"): string | null {
    const room = this.roomOf(t.workspace);
    const agent = this.agentOf(t);
    if (!room || !agent) return `${t.name} is not in the workspace now`;
    if (agent.view.state !== "paused") return `${t.name} is not paused (it is ${agent.view.state})`;
    room.runtime.setState(agent, this.linkOf(t) ? "idle" : "offline", this.linkOf(t) ? reason : "not connected");
    this.moderated(room, by, "agent-resume", t.agentId, `${t.name} was resumed by the owner.`);
    return null;
  }

  /** Audited and announced like the room's own moderation messages. */
  private moderated(room: WorkspaceRoom, by: string, action: string, target: string, message: string): void {
    auditLater(this.deps.store, { workspace: room.workspace, actor: by, kind: `moderation-${action}`, data: { target, via: "rest" } }, this.deps.log);
    room.broadcast(NoticeMessage.Notice, { kind: "moderation", action, target, message } satisfies NoticePayload);
  }

  /** What the owner panel shows of a token. */
  info(t: AgentToken): AgentTokenInfo {
    return { ...t, connected: this.linkOf(t) !== null, state: this.agentOf(t)?.view.state ?? null };
  }

  /** Every connected session ends (shutdown). */
  closeAll(reason: string): void {
    for (const link of [...this.online.values()]) link.close(reason);
  }
}
