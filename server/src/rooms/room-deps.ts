import type { Roster } from "../../../shared/agents";
import type { World } from "../../../shared/world";
import type { Brain } from "../agents/types";
import type { AuthService } from "../auth/auth";
import type { Limits } from "../auth/limits";
import type { BudgetLedger } from "../llm/budget-ledger";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import type { VoiceHub } from "../voice";
import type { WorkspaceRoom } from "./workspace-room";

/** What the workspace room is built from (defineWorkspaceRoom). */
export interface RoomDeps {
  world: World;
  roster: Roster;
  /** Drives every agent of the room: the offline planner or the LLM loop. */
  brain: Brain;
  store: Store;
  log: Logger;
  /** Live rooms of this server, for /metrics and /readyz. Rooms add and remove themselves. */
  rooms: Set<WorkspaceRoom>;
  /** Speech in and out (server/src/voice); voice is off when absent. */
  voice?: VoiceHub;
  /** Join tokens and open mode: who may join, as which role. */
  auth: AuthService;
  /** Rate and size limits (server/src/auth/limits.ts); the defaults when absent. */
  limits?: Partial<Limits>;
  /** The LLM spend ledger, for the owner's budget changes; null with the offline planner. */
  ledger?: BudgetLedger | null;
  /** True while the server drains for shutdown: joins are refused. */
  isDraining?: () => boolean;
  /** How long a dropped seat (avatar, role, place) is held for a reconnection (s). RECONNECT_GRACE_S when absent. */
  reconnectGraceS?: number;
  /** About how many clients' sockets a patch writes (send-batch.ts); FLUSHES_PER_PATCH when absent. */
  flushesPerPatch?: number;
  /** The most moves a second the room's people together should send (pose-rates.ts moveIntervalMs); ROOM_MOVES_PER_S when absent. */
  roomMovesPerS?: number;
  /** Awaited at the end of onCreate, before anyone joins: places the workspace's outside agents (server/src/mcp). */
  onCreated?: (room: WorkspaceRoom) => Promise<void>;
}
