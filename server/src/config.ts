import path from "node:path";

/** Server settings, read from the environment. Every key has its default beside it. */
export interface ServerConfig {
  /** PORT: the one port for the client, the API and the WebSocket. Default 3000. */
  port: number;
  /** HOST: the interface to listen on. Default 127.0.0.1; use 0.0.0.0 for phones and headsets on your LAN. */
  host: string;
  /** ATRIUM_DB: the SQLite file. Default data/atrium.db. */
  dbFile: string;
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

export function readConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): ServerConfig {
  const resolve = (p: string) => path.resolve(root, p);
  return {
    port: parsePort(env.PORT),
    host: env.HOST || "127.0.0.1",
    dbFile: resolve(env.ATRIUM_DB || "data/atrium.db"),
    worldFile: resolve(env.ATRIUM_WORLD || "config/world.yaml"),
    agentsFile: resolve(env.ATRIUM_AGENTS || "config/agents.yaml"),
    clientDir: resolve(env.ATRIUM_CLIENT_DIR || "dist/client"),
    dev: env.NODE_ENV === "development",
    logLevel: env.LOG_LEVEL || "info",
  };
}
