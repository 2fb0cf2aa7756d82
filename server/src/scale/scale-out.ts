import type { MatchMakerDriver, Presence } from "@colyseus/core";
import type { Logger } from "../logger";
import { readScaleConfig } from "./scale-config";

/**
 * How this process shares matchmaking with others. "local" (no REDIS_URL): Colyseus'
 * LocalPresence and LocalDriver, one process. "redis": RedisPresence and RedisDriver, so several
 * processes serve one set of workspaces (docs/DEPLOYMENT.md).
 */
export interface ScaleOut {
  kind: "local" | "redis";
  /** Given to the Colyseus Server; undefined means LocalPresence. */
  presence: Presence | undefined;
  /** Given to the Colyseus Server; undefined means LocalDriver. */
  driver: MatchMakerDriver | undefined;
  /** Where browsers reach this process (Colyseus' publicAddress), or undefined: the page's own origin. */
  publicAddress: string | undefined;
  /** What the start-up log says about presence and driver. */
  describe(): Record<string, unknown>;
  /** For /readyz: false with the reason while Redis is unreachable. */
  health(): { ok: boolean; detail: string };
  /** Stops watching and closes what is still open (after the Colyseus server shut down). */
  close(): Promise<void>;
}

/** Start-up could not reach Redis: the message says where and why. */
export class RedisUnavailableError extends Error {}

/** One process, nothing shared: the zero-configuration default. */
export const LOCAL_SCALE_OUT: ScaleOut = {
  kind: "local",
  presence: undefined,
  driver: undefined,
  publicAddress: undefined,
  describe: () => ({ presence: "LocalPresence", driver: "LocalDriver" }),
  health: () => ({ ok: true, detail: "single process" }),
  close: async () => undefined,
};

/**
 * Reads REDIS_URL (and ATRIUM_PUBLIC_ADDRESS) and connects. Without REDIS_URL: LOCAL_SCALE_OUT,
 * and the Redis packages are never loaded. Throws ConfigError for bad values and
 * RedisUnavailableError when Redis does not answer at start-up.
 */
export async function connectScaleOut(env: NodeJS.ProcessEnv, listen: { host: string; port: number }, log: Logger): Promise<ScaleOut> {
  const config = readScaleConfig(env, listen);
  if (!config) return LOCAL_SCALE_OUT;
  const { connectRedisScaleOut } = await import("./redis-scale-out");
  return connectRedisScaleOut(config, log);
}
