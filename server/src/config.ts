import path from "node:path";
import { SECRET_MIN_LENGTH, isLoopback, type AuthMode } from "./auth/auth";
import { parseLimitsOverride, type Limits } from "./auth/limits";

/** Server settings, read from the environment. Every key has its default beside it. */
export interface ServerConfig {
  /** PORT: the one port for the client, the API and the WebSocket. Default 3000. */
  port: number;
  /** HOST: the interface to listen on. Default 127.0.0.1; use 0.0.0.0 for phones and headsets on your LAN. */
  host: string;
  /** ATRIUM_DB: the SQLite file. Default data/atrium.db. Unused when DATABASE_URL is set. */
  dbFile: string;
  /**
   * DATABASE_URL: a PostgreSQL database (postgres://user:password@host:5432/atrium) instead of
   * the SQLite file; what several server processes share (docs/DEPLOYMENT.md). Default: none.
   */
  databaseUrl?: string;
  /** ATRIUM_WORLD: the campus layout. Default config/world.yaml. */
  worldFile: string;
  /** ATRIUM_AGENTS: the agent roster. Default config/agents.yaml. */
  agentsFile: string;
  /** ATRIUM_CLIENT_DIR: the built client to serve. Default dist/client. */
  clientDir: string;
  /** NODE_ENV=development: serve the client through Vite with HMR instead of dist/. */
  dev: boolean;
  /** LOG_LEVEL: pino level. Default info. */
  logLevel: string;
  /**
   * ATRIUM_AUTH: "open" lets anyone join as a member (or spectator); "token" requires an invite
   * or owner link. Default open when HOST is loopback (127.0.0.1, ::1, localhost), else token.
   */
  authMode: AuthMode;
  /**
   * ATRIUM_SECRET: signs join tokens (at least 32 characters). When unset, a secret is generated
   * on first run and kept in the database. Changing it invalidates every link.
   */
  secret: string | undefined;
  /** ATRIUM_PUBLIC_URL: the address people open, for the printed owner link. Default http://HOST:PORT. */
  publicUrl: string | undefined;
  /**
   * ATRIUM_LIMITS: JSON overriding per-client message limits (server/src/auth/limits.ts), e.g.
   * {"kinds":{"chat":{"perSecond":4,"burst":10}},"llmActionsPerMinute":40}. Default: none.
   */
  limits: Partial<Limits> | undefined;
}

export class ConfigError extends Error {}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3000;
  // Digits only: Number() would also read " " as 0 (a random port), "0x50" as 80 and "1e3" as 1000.
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

function parseAuthMode(raw: string | undefined, host: string): AuthMode {
  if (raw === undefined || raw === "") return isLoopback(host) ? "open" : "token";
  if (raw === "open" || raw === "token") return raw;
  throw new ConfigError(`ATRIUM_AUTH must be "open" or "token", got "${raw}"`);
}

function parseSecret(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw.length < SECRET_MIN_LENGTH) throw new ConfigError(`ATRIUM_SECRET must be at least ${SECRET_MIN_LENGTH} characters (got ${raw.length}); try: openssl rand -base64 48`);
  return raw;
}

function parsePublicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    return u.origin;
  } catch {
    throw new ConfigError(`ATRIUM_PUBLIC_URL must be an http(s) URL like https://atrium.example.com, got "${raw}"`);
  }
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const url = raw.trim();
  if (!/^postgres(ql)?:\/\/[^/]/i.test(url)) {
    throw new ConfigError(`DATABASE_URL must be a PostgreSQL URL like postgres://atrium:secret@db:5432/atrium, got "${redactDatabaseUrl(url).slice(0, 80)}"`);
  }
  return url;
}

/** A database URL with its password hidden, for logs and errors. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

function parseLimits(raw: string | undefined): Partial<Limits> | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const result = parseLimitsOverride(raw);
  if (typeof result === "string") throw new ConfigError(`ATRIUM_LIMITS: ${result}`);
  return result;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): ServerConfig {
  const resolve = (p: string) => path.resolve(root, p);
  const host = env.HOST || "127.0.0.1";
  return {
    port: parsePort(env.PORT),
    host,
    dbFile: resolve(env.ATRIUM_DB || "data/atrium.db"),
    ...(parseDatabaseUrl(env.DATABASE_URL) === undefined ? {} : { databaseUrl: parseDatabaseUrl(env.DATABASE_URL) }),
    worldFile: resolve(env.ATRIUM_WORLD || "config/world.yaml"),
    agentsFile: resolve(env.ATRIUM_AGENTS || "config/agents.yaml"),
    clientDir: resolve(env.ATRIUM_CLIENT_DIR || "dist/client"),
    dev: env.NODE_ENV === "development",
    logLevel: env.LOG_LEVEL || "info",
    authMode: parseAuthMode(env.ATRIUM_AUTH, host),
    secret: parseSecret(env.ATRIUM_SECRET),
    publicUrl: parsePublicUrl(env.ATRIUM_PUBLIC_URL),
    limits: parseLimits(env.ATRIUM_LIMITS),
  };
}
