import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../testing/free-port";
import { findOrInstall, isRoot } from "../testing/debian-package";

/**
 * A private PostgreSQL cluster for tests and the test preflight (e2e/ensure-postgres.ts):
 * Debian's binaries (initdb, postgres) in /usr/lib/postgresql/<version>/bin, or POSTGRES_BIN_DIR.
 * Each cluster lives in a temp dir on a free loopback port, trusts local connections, and is
 * thrown away on stop(). PostgreSQL refuses to run as root: as root, initdb and postgres run as
 * the `postgres` system user (the Debian package creates it), owning the temp dir.
 * Test code only; nothing in the server imports this.
 */

export const POSTGRES_MISSING =
  "The store tests need PostgreSQL's server binaries (initdb, postgres) and none were found.\n" +
  "  • Install them: sudo apt-get install -y postgresql   (.ci/run and `npm run test:unit` do this when run as root), or\n" +
  "  • set POSTGRES_BIN_DIR to the folder that holds initdb and postgres.";

/** Seconds a cluster may take to start answering. */
const START_TIMEOUT_MS = 30_000;
/** The superuser the test cluster is created with (trust auth on loopback: no password). */
const TEST_SUPERUSER = "atrium";

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const hasServer = (dir: string) => isExecutable(path.join(dir, "initdb")) && isExecutable(path.join(dir, "postgres"));

/** The folder with initdb and postgres: POSTGRES_BIN_DIR, else the newest /usr/lib/postgresql/N/bin; null when none. */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.POSTGRES_BIN_DIR;
  if (explicit) return hasServer(explicit) ? explicit : null;
  const root = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return null;
  }
  const dirs = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, "bin"));
  return dirs.find(hasServer) ?? null;
}

/**
 * Finds the server binaries, or installs Debian's `postgresql` when this process may (root with
 * apt-get). Throws POSTGRES_MISSING when it can do neither. Returns the binaries' folder.
 */
export function ensurePostgresBinaries(log: (line: string) => void = console.log): string {
  return findOrInstall(() => findPostgresBinaries(), "postgresql", "PostgreSQL", POSTGRES_MISSING, log);
}

/** The uid and gid of the `postgres` system user, to run the server as when we are root. */
function postgresUser(): { uid: number; gid: number } {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error("running as root, and there is no `postgres` system user to run PostgreSQL as (Debian's postgresql package creates it; or run the tests as another user)");
  }
  return { uid: Number(uid), gid: Number(gid) };
}


export interface TestPostgres {
  /** A fresh, empty database of the cluster: postgres://atrium@127.0.0.1:PORT/atrium_1. */
  url: string;
  port: number;
  /** Creates another fresh, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut) and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a private cluster (initdb into a temp dir, then postgres on a free loopback port, with
 * fsync off: test data need not survive a crash) and creates a fresh database. Throws with the
 * reason (missing binaries, and how to install them; the server's own output) when it cannot.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const asUser = isRoot() ? postgresUser() : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-pg-"));
  const data = path.join(dir, "data");
  if (asUser) fs.chownSync(dir, asUser.uid, asUser.gid);
  const spawnOptions = { ...(asUser ?? {}), cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C" } };
  try {
    await run(path.join(bin, "initdb"), ["-D", data, "-U", TEST_SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], spawnOptions);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let launched: Launched;
  try {
    launched = await launch(bin, data, dir, spawnOptions);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { child, port, admin } = launched;
  // A test process that dies must not leave a server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await ended(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let databases = 0;
  const createDatabase = async () => {
    const name = `atrium_${++databases}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://${TEST_SUPERUSER}@127.0.0.1:${port}/${name}`;
  };
  try {
    return { url: await createDatabase(), port, createDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Tries at a free port before giving up (another process may take the port between the probe and postgres binding it). */
const LAUNCH_ATTEMPTS = 3;

interface Launched {
  child: ChildProcess;
  port: number;
  /** The cluster's maintenance database, to create test databases from. */
  admin: string;
}

/** Starts postgres on a free loopback port and waits until it answers; another port if that one was taken meanwhile. */
async function launch(bin: string, data: string, dir: string, spawnOptions: object): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let out = "";
    const child: ChildProcess = spawn(
      path.join(bin, "postgres"),
      ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dir}`,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
        "-c", "shared_buffers=32MB", "-c", "log_min_messages=warning"],
      { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const admin = `postgres://${TEST_SUPERUSER}@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    try {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}):\n${out}`);
        if (await answers(admin)) return { child, port, admin };
        if (Date.now() > deadline) throw new Error(`postgres did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (err) {
      await ended(child);
      if (attempt < LAUNCH_ATTEMPTS && /could not (bind|create listen socket)|already in use/i.test(out)) continue;
      throw err;
    }
  }
}

/** Stops postgres (fast shutdown: open connections are cut) and waits for it to exit. */
function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGINT");
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function run(file: string, args: string[], options: { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", (err) => reject(new Error(`${path.basename(file)} could not start: ${err.message}`)));
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} ${args.join(" ")} failed (${code ?? signal}):\n${out}`)),
    );
  });
}
