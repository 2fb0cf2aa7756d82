import type { Application } from "express";
import type { Roster } from "../../../shared/agents";
import type { ReplayAgentInfo } from "../../../shared/replay";
import type { World } from "../../../shared/world";
import type { Limits } from "../auth/limits";
import type { Logger } from "../logger";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import type { Store } from "../store/store";
import { mountAgentTokenApi } from "./agent-token-api";
import { ExternalAgents } from "./external-agents";
import { McpHttp } from "./mcp-http";
import type { HostRelay } from "../scale/host-relay";
import { AgentTokenRelay } from "./token-relay";

/**
 * Bring your own agent: Atrium as an MCP server (docs/MCP.md). Outside agents connect to /mcp
 * with an agent token the owner issued, badge in as avatars marked "external", and use the
 * built-in agents' tools under the same rules.
 */

export interface McpOptions {
  /** A session with no contact for this long ends (ms); MCP_IDLE_TIMEOUT_MS when absent. */
  idleTimeoutMs?: number;
  /** How often idle sessions are looked for (ms); MCP_SWEEP_MS when absent. */
  sweepMs?: number;
}

export interface McpDeps {
  store: Store;
  world: World;
  roster: Roster;
  log: Logger;
  rooms: ReadonlySet<WorkspaceRoom>;
  limits: Limits;
  isDraining: () => boolean;
  options?: McpOptions;
  /** With several processes: the owner's token actions reach the room's host (server/src/scale/host-relay.ts). */
  relay?: HostRelay | null;
}

export interface Mcp {
  hub: ExternalAgents;
  http: McpHttp;
  /** The owner's token API and the /mcp endpoint; after the access-policy middleware. */
  mount(app: Application): void;
  /** Call when a workspace room is created: its outside agents appear in it. */
  onRoomCreated(room: WorkspaceRoom): Promise<void>;
  /** The outside agents of a workspace as the replay lists them (every token it ever had). */
  replayAgents(workspace: string): Promise<ReplayAgentInfo[]>;
  /** Ends every MCP session (shutdown). */
  close(): void;
}

export function createMcp(deps: McpDeps): Mcp {
  const hub = new ExternalAgents({ store: deps.store, log: deps.log, rooms: deps.rooms, isDraining: deps.isDraining });
  const tokenRelay = new AgentTokenRelay(hub, deps.relay ?? null, deps.log);
  const http = new McpHttp({ hub, store: deps.store, world: deps.world, log: deps.log, limits: deps.limits, isDraining: deps.isDraining, ...deps.options });
  return {
    hub,
    http,
    mount(app) {
      mountAgentTokenApi(app, { hub, relay: tokenRelay, world: deps.world, roster: deps.roster });
      http.mount(app);
    },
    onRoomCreated: (room) => hub.onRoomCreated(room),
    async replayAgents(workspace) {
      const seen = new Set<string>();
      const out: ReplayAgentInfo[] = [];
      for (const t of await hub.tokens.list(workspace)) {
        if (seen.has(t.agentId)) continue;
        seen.add(t.agentId);
        out.push({ id: t.agentId, name: t.name, role: t.title, colour: t.colour, home: t.home });
      }
      return out;
    },
    close: () => http.close(),
  };
}

export { MCP_PATH } from "./mcp-http";
