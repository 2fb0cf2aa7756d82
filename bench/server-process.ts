import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { pinning, placeServerThreads } from "./pinning";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onExitCleanup } from "./exit-cleanup";
import { sleep } from "./stats";

/** The repository root (bench/..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** How long the server may take to answer /readyz with 200 (ms). */
export const SERVER_READY_TIMEOUT_MS = 30_000;
/** Poll interval while waiting for /readyz (ms). */
const READY_POLL_MS = 100;
/** After SIGTERM, how long the server gets to shut down before SIGKILL (ms). */
export const SERVER_STOP_GRACE_MS = 5_000;
/** Server output kept for error messages (characters). */
const OUTPUT_TAIL_CHARS = 8_000;
/** Timeout of one HTTP request to the server (ms). */
const HTTP_TIMEOUT_MS = 5_000;

export interface TickSummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** The JSON of GET /metrics (server/src/http/routes.ts). */
export interface ServerMetrics {
  uptimeS: number;
  memoryMb: number;
  /** tickMs: the room's own work per patch interval; busyMs: the whole process's busy time per interval. */
  /** writeEvery: patches between two writes of a client's socket (server/src/rooms/send-batch.ts); moveIntervalMs: how often each person is asked to send its pose (server/src/rooms/pose-rates.ts). */
  rooms: { workspace: string; clients: number; people: number; agents: number; tickMs: TickSummary; busyMs: TickSummary; writeEvery: number; moveIntervalMs: number }[];
}

export interface RunningServer {
  /** http://127.0.0.1:PORT — also the endpoint the SDK client takes. */
  url: string;
  pid: number;
  metrics(): Promise<ServerMetrics>;
  /** Starts a measured window: the threads the server started since are moved off its core (pinning.ts), and the rooms' tick statistics cleared (POST /metrics/reset). */
  resetMetrics(): Promise<void>;
  /** CPU time the server process has used so far (ms), or null where /proc is not available. */
  cpuTimeMs(): number | null;
  /** The same for its main thread alone, the event loop. */
  eventLoopCpuTimeMs(): number | null;
  /** The last lines the server printed. */
  output(): string;
  /** Null while the server runs; otherwise how it ended and what it printed last. */
  exitReport(): string | null;
  /** SIGTERM, then SIGKILL after a grace period; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not find a free port"))));
    });
  });
}

let clockTicksPerSecond: number | null = null;
function clockTicks(): number {
  if (clockTicksPerSecond === null) {
    try {
      clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** user + system CPU time of a process from /proc/PID/stat (ms), or of one of its threads (/proc/PID/task/TID/stat); null when unreadable. */
export function processCpuTimeMs(pid: number, tid?: number): number | null {
  try {
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces); field 3 (state) is index 0.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export interface StartServerOptions {
  /**
   * Extra environment for the server, applied over the defaults below (which blank OPENAI_*
   * so agents run the offline planner). A scenario that wants the LLM brain sets
   * OPENAI_BASE_URL, OPENAI_API_KEY, ATRIUM_MODEL, ATRIUM_LLM_CONFIG and ATRIUM_AGENTS here.
   */
  env?: Record<string, string>;
}

/**
 * Starts the real server (`node --import tsx server/src/main.ts`) on a free loopback port with
 * a throw-away database, and resolves once /readyz answers 200.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bench-"));
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a scenario.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const [command, ...prefixArgs] = [...pinning().serverPrefix, process.execPath];
  const child = spawn(command!, [...prefixArgs, ...nodeArgs, "--import", "tsx", "server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      // Agents run the offline planner: the capacity rows must not depend on (or pay) an LLM.
      OPENAI_BASE_URL: "",
      OPENAI_API_KEY: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      ATRIUM_DB: path.join(tmp, "atrium.db"),
      // The bench needs no client files; a missing dir makes the server answer / with 503.
      ATRIUM_CLIENT_DIR: path.join(tmp, "no-client"),
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  const unregister = onExitCleanup(() => {
    if (!exited(child)) child.kill("SIGKILL");
    removeTmp();
  });
  const exitedPromise = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited(child)) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), SERVER_STOP_GRACE_MS);
      await exitedPromise;
      clearTimeout(killer);
    }
    removeTmp();
    unregister();
  };

  const server: RunningServer = {
    url,
    pid: child.pid ?? -1,
    async metrics() {
      const res = await request(`${url}/metrics`);
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      return (await res.json()) as ServerMetrics;
    },
    async resetMetrics() {
      if (child.pid !== undefined) placeServerThreads(child.pid);
      const res = await request(`${url}/metrics/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`POST /metrics/reset answered ${res.status}`);
    },
    cpuTimeMs: () => (child.pid === undefined ? null : processCpuTimeMs(child.pid)),
    eventLoopCpuTimeMs: () => (child.pid === undefined ? null : processCpuTimeMs(child.pid, child.pid)),
    output: () => tail,
    exitReport: () => (exited(child) ? `the server exited (code ${child.exitCode ?? child.signalCode}); its last output:\n${tail.trim()}` : null),
    stop,
  };

  try {
    const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
    for (;;) {
      if (exited(child)) throw new Error(`the server exited during start-up (code ${child.exitCode ?? child.signalCode}):\n${tail}`);
      const ready = await request(`${url}/readyz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) {
        if (child.pid !== undefined) placeServerThreads(child.pid);
        return server;
      }
      if (Date.now() > deadline) throw new Error(`the server was not ready after ${SERVER_READY_TIMEOUT_MS} ms:\n${tail}`);
      await sleep(READY_POLL_MS);
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
