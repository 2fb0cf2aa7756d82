import { ConfigError } from "../config";

/**
 * Scale-out settings, read from the environment. Without REDIS_URL there are none: one process,
 * Colyseus' LocalPresence and LocalDriver, zero configuration.
 */
export interface ScaleConfig {
  /** REDIS_URL: redis://[user:password@]host:port[/db] or rediss://… Shared by every process. */
  redisUrl: string;
  /** The same URL with its password masked, for logs. */
  redisUrlShown: string;
  /**
   * ATRIUM_PUBLIC_ADDRESS: where browsers reach THIS process, as Colyseus' `publicAddress`:
   * host[:port][/path], no scheme (the page's http/https picks ws/wss). A seat reservation for a
   * room this process hosts carries it, and the SDK opens the room's WebSocket there, whichever
   * process answered the matchmaking request. Default HOST:PORT when HOST is a concrete address.
   */
  publicAddress: string;
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** The masked form of a Redis URL: the password (if any) becomes "***". */
export function maskRedisUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password) shown.password = "***";
  return shown.href.replace(/\/$/, "");
}

function parseRedisUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REDIS_URL must be a URL like redis://127.0.0.1:6379, got "${raw}"`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${url.protocol}//…"`);
  }
  if (!url.hostname) throw new ConfigError(`REDIS_URL names no host: "${maskRedisUrl(url)}"`);
  if (url.pathname !== "" && url.pathname !== "/" && !/^\/\d+$/.test(url.pathname)) {
    throw new ConfigError(`REDIS_URL's path must be a database number (e.g. redis://host:6379/0), got "${url.pathname}"`);
  }
  return url;
}

function parsePublicAddress(raw: string): string {
  const value = raw.trim().replace(/\/+$/, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigError(`ATRIUM_PUBLIC_ADDRESS is host[:port][/path] without a scheme (the page picks ws or wss), got "${raw}"`);
  }
  // A host (name, IPv4 or [IPv6]), an optional port, an optional path of plain segments.
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?(\/[\w.~-]+)*$/i.test(value)) {
    throw new ConfigError(`ATRIUM_PUBLIC_ADDRESS must look like atrium.example.com/n1 or 10.0.0.5:3001, got "${raw}"`);
  }
  return value;
}

/**
 * Reads REDIS_URL and ATRIUM_PUBLIC_ADDRESS. Returns null without REDIS_URL (ATRIUM_PUBLIC_ADDRESS
 * is then ignored: one process serves everything from its own address). Throws ConfigError with
 * what to set when a value is bad or the address cannot be derived.
 */
export function readScaleConfig(env: NodeJS.ProcessEnv, listen: { host: string; port: number }): ScaleConfig | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  const url = parseRedisUrl(raw);
  const explicit = env.ATRIUM_PUBLIC_ADDRESS?.trim();
  let publicAddress: string;
  if (explicit) {
    publicAddress = parsePublicAddress(explicit);
  } else if (WILDCARD_HOSTS.has(listen.host) || listen.port === 0) {
    throw new ConfigError(
      `with REDIS_URL, every process must say where browsers reach it: set ATRIUM_PUBLIC_ADDRESS ` +
        `(e.g. atrium.example.com/n1 behind a reverse proxy, or 10.0.0.5:${listen.port || 3000}); ` +
        `HOST=${listen.host} PORT=${listen.port} cannot be advertised`,
    );
  } else {
    publicAddress = listen.host.includes(":") ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;
  }
  return { redisUrl: url.href, redisUrlShown: maskRedisUrl(url), publicAddress };
}
