import { matchMaker, requestFromIPC, subscribeIPC, type Presence } from "@colyseus/core";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { Logger } from "../logger";

/**
 * Requests from one Atrium process to the one that hosts a workspace's room, over Colyseus'
 * presence (RedisPresence with REDIS_URL, LocalPresence otherwise) with Colyseus' own IPC helpers
 * (`requestFromIPC` / `subscribeIPC`, what seat reservations use between processes). Each process
 * listens on its channel; a caller publishes a method and its arguments there and waits for the
 * answer on a one-off channel. Used for what must act on the live room: voice utterances
 * (server/src/voice) and the owner's agent-token actions (server/src/mcp). With one process
 * every room is local and nothing goes through here.
 */

/** How long a call to another process waits for its answer by default (ms). Default 5000. */
export const RELAY_TIMEOUT_MS = 5_000;

const channelOf = (processId: string) => `atrium:relay:${processId}`;

/** What answers one relayed method on the hosting process. Arguments and result travel as JSON. */
export type RelayHandler = (args: unknown[]) => unknown;

/** Where a workspace's room lives when another process hosts it. */
export interface RemoteHost {
  processId: string;
  roomId: string;
  publicAddress: string | undefined;
}

/** The hosting process did not answer in time (it died, or Redis is unreachable). */
export class RelayTimeoutError extends Error {
  constructor(readonly processId: string, method: string, timeoutMs: number) {
    super(`the Atrium process hosting the workspace (${processId}) did not answer "${method}" within ${Math.round(timeoutMs / 100) / 10} s`);
    this.name = "RelayTimeoutError";
  }
}

export class HostRelay {
  private readonly handlers = new Map<string, RelayHandler>();
  private presence: Presence | null = null;
  private channel = "";

  constructor(private readonly log: Logger) {}

  /** This process's Colyseus process id (set once the Colyseus server is set up). */
  get processId(): string {
    return matchMaker.processId;
  }

  /** Registers what answers `method` when another process asks this one. One handler per method. */
  handle(method: string, handler: RelayHandler): void {
    if (this.handlers.has(method)) throw new Error(`relay method "${method}" is handled twice`);
    this.handlers.set(method, handler);
  }

  /** Starts answering on this process's channel; call once the Colyseus server is set up (listen). */
  async start(): Promise<void> {
    await matchMaker.onReady;
    this.stop();
    const presence = matchMaker.presence;
    const channel = channelOf(matchMaker.processId);
    await subscribeIPC(presence, channel, (method: string, args: unknown) => {
      const handler = this.handlers.get(method);
      if (!handler) throw new Error(`no relay method "${method}" on process ${matchMaker.processId}`);
      return handler(Array.isArray(args) ? args : []);
    });
    this.presence = presence;
    this.channel = channel;
  }

  /** Stops answering (shutdown). */
  stop(): void {
    if (this.presence) this.presence.unsubscribe(this.channel);
    this.presence = null;
  }

  /**
   * The process that hosts a workspace's room when it is another one; null when this process
   * hosts it or nobody does. Reads the room listings (Redis driver); never throws: a listing
   * that cannot be read (Redis down) counts as none, and is logged.
   */
  async hostOf(workspace: string): Promise<RemoteHost | null> {
    try {
      const listings = await matchMaker.query({ name: WORKSPACE_ROOM, workspace });
      if (listings.some((l) => l.processId === matchMaker.processId)) return null;
      const l = listings[0];
      return l ? { processId: l.processId, roomId: l.roomId, publicAddress: l.publicAddress } : null;
    } catch (err) {
      this.log.warn({ workspace, err: err instanceof Error ? err.message : String(err) }, "could not read the room listings to find a workspace's host");
      return null;
    }
  }

  /** Asks `processId` to run `method`; its answer, or RelayTimeoutError, or the handler's error. */
  async call<T>(processId: string, method: string, args: unknown[], timeoutMs = RELAY_TIMEOUT_MS): Promise<T> {
    const presence = this.presence ?? matchMaker.presence;
    try {
      return await requestFromIPC<T>(presence, channelOf(processId), method, args, timeoutMs);
    } catch (err) {
      if (err instanceof Error && err.message === "ipc_timeout") throw new RelayTimeoutError(processId, method, timeoutMs);
      if (err instanceof Error) throw err;
      const message = typeof err === "object" && err !== null && "message" in err ? String(err.message) : String(err);
      throw new Error(message);
    }
  }
}
