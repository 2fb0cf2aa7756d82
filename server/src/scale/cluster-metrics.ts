import { matchMaker } from "@colyseus/core";
import { WORKSPACE_ROOM } from "../../../shared/constants";

/** How long GET /metrics waits for the room listings before it answers without them (ms). Default 1000. */
export const CLUSTER_METRICS_TIMEOUT_MS = 1_000;

/** One workspace room as the shared room listings know it (any process). */
export interface ListedRoom {
  workspace: string | null;
  roomId: string;
  processId: string;
  /** Where browsers reach its process (ATRIUM_PUBLIC_ADDRESS); absent with one process. */
  publicAddress: string | null;
  clients: number;
}

/**
 * What GET /metrics says beyond this process's own rooms: which process answered, and every
 * workspace room of every process from the room listings (the Redis driver with REDIS_URL, so
 * an operator sees the whole deployment from any process; the local driver otherwise). Tick
 * statistics stay per process, in `rooms`. Never throws: listings that cannot be read in time
 * (Redis down) give `cluster: null` and the reason.
 */
export async function clusterMetrics(timeoutMs = CLUSTER_METRICS_TIMEOUT_MS): Promise<{
  process: { id: string; publicAddress: string | null };
  cluster: { rooms: ListedRoom[] } | null;
  clusterError?: string;
}> {
  const proc = { id: matchMaker.processId, publicAddress: matchMaker.publicAddress || null };
  let timer: NodeJS.Timeout | undefined;
  try {
    const listings = await Promise.race([
      matchMaker.query({ name: WORKSPACE_ROOM }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the room listings did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const rooms = listings.map((l) => {
      const workspace = (l.metadata as { workspace?: unknown } | undefined)?.workspace;
      return {
        workspace: typeof workspace === "string" ? workspace : null,
        roomId: l.roomId,
        processId: l.processId,
        publicAddress: l.publicAddress ?? null,
        clients: l.clients,
      };
    });
    return { process: proc, cluster: { rooms } };
  } catch (err) {
    return { process: proc, cluster: null, clusterError: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
