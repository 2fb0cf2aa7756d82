import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { findOrInstall } from "../testing/debian-package";

/**
 * A private redis-server for tests and the CI preflight (e2e/ensure-redis.ts): Debian's package,
 * found on PATH (or REDIS_SERVER_PATH). Test code only; nothing in the server imports this.
 */

export const REDIS_MISSING =
  "The scale-out test needs Debian's redis-server and none was found on PATH.\n" +
  "  • Install it: sudo apt-get install -y redis-server   (.ci/run and `npm test` do this when run as root), or\n" +
  "  • set REDIS_SERVER_PATH to a redis-server binary.";

/** The redis-server binary: REDIS_SERVER_PATH, else the first on PATH, else null. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.REDIS_SERVER_PATH;
  if (explicit) return fs.existsSync(explicit) ? explicit : null;
  for (const dir of [...(env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/sbin"]) {
    if (!dir) continue;
    const candidate = path.join(dir, "redis-server");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Finds redis-server, or installs Debian's package when this process may (root with apt-get).
 * Throws REDIS_MISSING when it can do neither.
 */
export function ensureRedisServer(log: (line: string) => void = console.log): string {
  return findOrInstall(() => findRedisServer(), "redis-server", "redis-server", REDIS_MISSING, log);
}

export interface TestRedis {
  url: string;
  port: number;
  /** Ends the server (SIGTERM) and waits for it; nothing is saved. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (as after a crash without persistence). */
  restart(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts `redis-server --port PORT --save '' --appendonly no` on loopback and waits until it
 * answers PING. Throws REDIS_MISSING (with how to install it) when there is no redis-server.
 */
export async function startTestRedis(port: number): Promise<TestRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error(REDIS_MISSING);
  let child: ChildProcess | null = null;
  let out = "";
  const launch = async () => {
    out = "";
    const c = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    c.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child = c;
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode}:\n${out}`);
      if (Date.now() > deadline) {
        c.kill("SIGKILL");
        throw new Error(`redis-server did not answer on port ${port} within 10 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
      c.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      c.kill("SIGTERM");
    });
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
