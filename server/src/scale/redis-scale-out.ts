import { matchMaker } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logger";
import type { ScaleConfig } from "./scale-config";
import { RedisUnavailableError, type ScaleOut } from "./scale-out";

/** How long start-up waits for Redis before it gives up (ms). Default 10 000. */
export const REDIS_CONNECT_TIMEOUT_MS = 10_000;
/** How often a process pings Redis for /readyz (ms). Default 2000. */
export const REDIS_HEARTBEAT_MS = 2_000;
/** A ping slower than this counts as Redis unreachable (ms). Default 1000. */
export const REDIS_PING_TIMEOUT_MS = 1_000;
/** Reconnection attempts a command waits through before it fails, so calls fail fast in an outage. Default 2. */
export const REDIS_MAX_RETRIES_PER_REQUEST = 2;
/** The longest pause between reconnection attempts (ms); attempts back off by 200 ms each. Default 2000. */
export const REDIS_RETRY_MAX_DELAY_MS = 2_000;

/**
 * RedisPresence keeps its two connections protected; this one lets the process watch them. It
 * also drops RedisPresence's own error listeners, which print a line per connection on every
 * reconnection attempt; connectRedisScaleOut logs an outage once, when it starts and ends.
 */
class WatchedRedisPresence extends RedisPresence {
  constructor(
    client: Redis,
    /** Told when Colyseus' graceful shutdown quits the connections: the closes that follow are no outage. */
    private readonly onShutdown: () => void,
  ) {
    super(client);
    for (const c of this.connections()) c.removeAllListeners("error");
  }

  connections(): Redis[] {
    return [this.pub, this.sub] as Redis[];
  }

  override shutdown(): void {
    this.onShutdown();
    super.shutdown();
  }
}

/** RedisDriver, telling when Colyseus' graceful shutdown quits its connection (as WatchedRedisPresence). */
class WatchedRedisDriver extends RedisDriver {
  constructor(
    client: Redis,
    private readonly onShutdown: () => void,
  ) {
    super(client);
  }

  override shutdown(): Promise<void> {
    this.onShutdown();
    return super.shutdown();
  }
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return errorText(err.errors[0]);
  if (err instanceof Error) return err.message || ("code" in err ? String(err.code) : err.name);
  return String(err);
}

/**
 * Connects the Colyseus Redis presence (pub/sub and shared keys: seat reservations, remote room
 * calls between processes) and the Redis driver (the room listings every process matches
 * against). Waits until both answer, or throws RedisUnavailableError after
 * REDIS_CONNECT_TIMEOUT_MS. Afterwards a lost connection is logged once, retried for ever with
 * back-off, and /readyz says not ready until Redis answers again; nothing throws.
 */
export async function connectRedisScaleOut(config: ScaleConfig, log: Logger, timeoutMs = REDIS_CONNECT_TIMEOUT_MS): Promise<ScaleOut> {
  const options: RedisOptions = {
    connectionName: `atrium:${config.publicAddress}`,
    maxRetriesPerRequest: REDIS_MAX_RETRIES_PER_REQUEST,
    retryStrategy: (times) => Math.min(times * 200, REDIS_RETRY_MAX_DELAY_MS),
  };
  let closed = false; // quitting on purpose: a close is no outage
  const quitting = () => {
    closed = true;
  };
  const presence = new WatchedRedisPresence(new Redis(config.redisUrl, options), quitting);
  const driverClient = new Redis(config.redisUrl, options);
  const driver = new WatchedRedisDriver(driverClient, quitting);
  const connections = [...presence.connections(), driverClient];

  let lastError = "";
  let connected = false; // every connection ready
  let lost = false; // connected once, then lost: the next "ready" is a recovery
  let since = Date.now();
  let pingOk = true;
  const where = config.redisUrlShown;

  for (const c of connections) {
    c.on("error", (err: unknown) => {
      lastError = errorText(err);
    });
    c.on("close", () => {
      if (closed || !connected) return;
      connected = false;
      lost = true;
      since = Date.now();
      log.error({ redis: where, reason: lastError || "connection closed" }, "Redis connection lost: rooms on this process keep running, but matchmaking across processes waits; reconnecting");
    });
    c.on("ready", () => {
      if (closed || connected || !connections.every((x) => x.status === "ready")) return;
      connected = true;
      pingOk = true;
      if (!lost) return;
      lost = false;
      lastError = "";
      log.warn({ redis: where, downMs: Date.now() - since }, "Redis connection restored");
      // A Redis that restarted empty has forgotten this process and its rooms: list them again.
      Promise.all([matchMaker.restoreMissingRoomCaches(), matchMaker.stats.persist()]).catch((err: unknown) =>
        log.warn({ err: errorText(err) }, "could not re-list this process's rooms in Redis yet"),
      );
    });
  }

  const disconnectAll = () => {
    closed = true;
    for (const c of connections) c.disconnect();
  };

  // Start-up: every connection ready within the timeout, or a clear error.
  const deadline = Date.now() + timeoutMs;
  while (!connections.every((c) => c.status === "ready")) {
    if (Date.now() > deadline) {
      disconnectAll();
      throw new RedisUnavailableError(
        `Redis at ${where} is unreachable after ${Math.round(timeoutMs / 1000)} s (${lastError || "no answer"}). ` +
          `Start it (e.g. redis-server --port 6379) or fix REDIS_URL; without REDIS_URL Atrium runs as one process.`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  connected = true;
  lastError = "";

  // The heartbeat behind /readyz: a connection can look open while Redis no longer answers.
  const heartbeat = setInterval(() => {
    if (driverClient.status !== "ready") return;
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) pingOk = false;
    }, REDIS_PING_TIMEOUT_MS);
    driverClient.ping().then(
      () => {
        settled = true;
        clearTimeout(timer);
        pingOk = true;
      },
      (err: unknown) => {
        settled = true;
        clearTimeout(timer);
        lastError = errorText(err);
        pingOk = false;
      },
    );
  }, REDIS_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    kind: "redis",
    presence,
    driver,
    publicAddress: config.publicAddress,
    describe: () => ({ presence: "RedisPresence", driver: "RedisDriver", redis: where, publicAddress: config.publicAddress }),
    health() {
      const ready = connections.every((c) => c.status === "ready");
      if (ready && pingOk) return { ok: true, detail: `ready (${where})` };
      const state = connections.map((c) => c.status).join("/");
      return { ok: false, detail: `Redis at ${where} unreachable: ${lastError || (ready ? "no answer to ping" : state)}` };
    },
    async close() {
      clearInterval(heartbeat);
      // Server.gracefullyShutdown() quits these through presence.shutdown() and driver.shutdown(); this ends what is left.
      disconnectAll();
    },
  };
}
