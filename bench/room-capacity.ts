import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { DEFAULT_WORKSPACE } from "../shared/constants";
import { onExitCleanup } from "./exit-cleanup";
import type { LoadCommand, LoadEvent, LoadReport } from "./load-protocol";
import { measureRemoteLatency, type RemoteLatencyResult } from "./remote-latency";
import { REPO_ROOT, type RunningServer, type TickSummary } from "./server-process";
import { mean, sleep } from "./stats";

/** Load-generator processes sharing the simulated clients (capped by the client count). */
export const LOAD_PROCESSES = 2;
/** Longest time all clients of one size may take to join (ms). */
export const JOIN_TIMEOUT_MS = 90_000;
/** Longest wait for a load process to report its counters (ms). */
export const REPORT_TIMEOUT_MS = 10_000;
/** After "stop", how long a load process gets to leave and exit before SIGKILL (ms). */
export const LOAD_STOP_TIMEOUT_MS = 10_000;
/** Longest wait for the previous scenario's people to be gone from the room (ms). */
export const ROOM_EMPTY_TIMEOUT_MS = 15_000;
/**
 * Where the latency probe's two clients stand: at the campus' edge, beyond the walkers' area
 * (WALK_AREA_RADIUS_M), so the mover stays in the observer's full-rate set however big the crowd.
 */
export const LATENCY_PROBE_AT = { x: 0, z: -55 };
/** The probe's clients, in the room besides the simulated ones. */
export const LATENCY_PROBE_CLIENTS = 2;
/** Seed of the simulated walks, so runs are repeatable. */
const WALK_SEED = 0x5eed;
/** Load-process output kept for error messages (characters). */
const OUTPUT_TAIL_CHARS = 4_000;

export interface RoomCapacityOptions {
  /** Simulated desktop clients. */
  clients: number;
  /** Time between the last join and the start of the measured window (ms). */
  warmupMs: number;
  /** Length of the measured window (ms). */
  measureMs: number;
  /** Load-generator processes; default LOAD_PROCESSES. */
  loadProcesses?: number;
  onProgress?: (message: string) => void;
}

export interface RoomCapacityResult {
  clients: number;
  joined: number;
  joinFailures: string[];
  /** Server-run agents in the room, by GET /metrics. */
  agents: number;
  /** People the room held at the window's end, by GET /metrics (the latency probe's LATENCY_PROBE_CLIENTS included). */
  peopleInRoom: number;
  measuredS: number;
  /** Patch + message work per patch interval (ms), from GET /metrics after a reset at warm-up end. */
  tickMs: TickSummary;
  /** The server process's busy time per patch interval (event loop active: socket I/O, GC and everything else too). */
  busyMs: TickSummary;
  /** Patches between two writes of a client's socket at the window's end (server/src/rooms/send-batch.ts). */
  writeEvery: number;
  /** How often each person was asked to send its pose at the window's end (ms; server/src/rooms/pose-rates.ts moveIntervalMs). */
  moveIntervalMs: number;
  /** Downstream WebSocket payload per client, counted on the client side. */
  downstream: { meanBytesPerS: number; minBytesPerS: number; maxBytesPerS: number; meanMessagesPerS: number };
  /** Moves sent per client per second. */
  upstreamMovesPerS: number;
  /** "error" messages received by all clients, warm-up included. Must be 0. */
  errors: number;
  errorSamples: string[];
  /** Server CPU in the window, % of one core; null where /proc is missing. */
  serverCpuPercent: number | null;
  /** The part of it on the server's main thread, the event loop (the rest: V8's garbage collector and compiler threads, libuv's pool). */
  eventLoopCpuPercent: number | null;
  serverMemoryMb: number;
  loadGenerator: { processes: number; cpuPercent: number; loopDelayP99Ms: number };
  /** Remote motion latency in this crowd: two more clients, one walking, the other watching (warm-up and window). */
  remoteLatency: RemoteLatencyResult;
}

/** One load-generator process (bench/load-process.ts) and its IPC. */
class LoadProcess {
  private tail = "";
  private readonly unregister: () => void;

  constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.unregister = onExitCleanup(() => {
      if (!this.exited) child.kill("SIGKILL");
    });
  }

  static start(): LoadProcess {
    const child = fork(path.join(REPO_ROOT, "bench", "load-process.ts"), [], {
      cwd: REPO_ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    return new LoadProcess(child);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Sends a command and waits for the event of `type` that answers it. */
  request<T extends LoadEvent["type"]>(command: LoadCommand, type: T, timeoutMs: number): Promise<Extract<LoadEvent, { type: T }>> {
    if (this.exited) return Promise.reject(new Error(`load process has exited; cannot "${command.type}":\n${this.tail}`));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.child.off("message", onMessage);
        this.child.off("exit", onExit);
      };
      const onMessage = (raw: unknown) => {
        const event = raw as LoadEvent;
        if (event.type === type) {
          done();
          resolve(event as Extract<LoadEvent, { type: T }>);
        } else if (event.type === "fatal") {
          done();
          reject(new Error(`load process failed: ${event.error}`));
        }
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`load process exited (code ${code}) while waiting for "${type}":\n${this.tail}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`load process gave no "${type}" within ${timeoutMs} ms:\n${this.tail}`));
      }, timeoutMs);
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
      this.send(command);
    });
  }

  send(command: LoadCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  /** Asks the process to leave and exit; kills it if it does not in time. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exit = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.send({ type: "stop" });
      const killer = setTimeout(() => this.child.kill("SIGKILL"), LOAD_STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(killer);
    }
    this.unregister();
  }
}

/** Splits `total` into `parts` near-equal shares. */
function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Waits until no room holds people (earlier scenarios have left). */
export async function waitForEmptyRoom(server: RunningServer): Promise<void> {
  const deadline = Date.now() + ROOM_EMPTY_TIMEOUT_MS;
  for (;;) {
    const metrics = await server.metrics();
    if (metrics.rooms.every((r) => r.people === 0)) return;
    if (Date.now() > deadline) {
      const people = metrics.rooms.reduce((n, r) => n + r.people, 0);
      throw new Error(`the room still holds ${people} people from an earlier scenario after ${ROOM_EMPTY_TIMEOUT_MS} ms`);
    }
    await sleep(200);
  }
}

/**
 * Room capacity: `clients` simulated desktop people walk in one workspace room while the
 * server's tick time and each client's downstream bytes are measured. The clients run in
 * separate load-generator processes so the server keeps a core to itself.
 */
export async function runRoomCapacity(server: RunningServer, options: RoomCapacityOptions): Promise<RoomCapacityResult> {
  const progress = options.onProgress ?? (() => {});
  await waitForEmptyRoom(server);
  const counts = shares(options.clients, Math.max(1, Math.min(options.loadProcesses ?? LOAD_PROCESSES, options.clients)));
  const procs = counts.map(() => LoadProcess.start());
  try {
    progress(`${options.clients} clients joining (${procs.length} load processes)`);
    let firstIndex = 0;
    const joins = await Promise.all(
      procs.map((p, i) => {
        const count = counts[i]!;
        const command: LoadCommand = { type: "join", endpoint: server.url, count, firstIndex, seed: WALK_SEED };
        firstIndex += count;
        return p.request(command, "joined", JOIN_TIMEOUT_MS);
      }),
    );
    const joined = joins.reduce((n, j) => n + j.joined, 0);
    const joinFailures = joins.flatMap((j) => j.failures);
    if (joined === 0) throw new Error(`no simulated client could join: ${joinFailures[0] ?? "unknown reason"}`);

    progress(`${joined} joined; warming up ${options.warmupMs / 1000} s`);
    // Two more clients measure remote motion latency in this crowd, through warm-up and window.
    const latency = measureRemoteLatency(server, { durationMs: options.warmupMs + options.measureMs, at: LATENCY_PROBE_AT });
    latency.catch(() => undefined); // awaited below
    await sleep(options.warmupMs);
    await server.resetMetrics();
    for (const p of procs) p.send({ type: "reset" });
    const cpuStart = server.cpuTimeMs();
    const loopCpuStart = server.eventLoopCpuTimeMs();
    const windowStart = performance.now();

    progress(`measuring ${options.measureMs / 1000} s`);
    await sleep(options.measureMs);
    const metrics = await server.metrics();
    const cpuEnd = server.cpuTimeMs();
    const loopCpuEnd = server.eventLoopCpuTimeMs();
    const windowMs = performance.now() - windowStart;
    const reports: LoadReport[] = (await Promise.all(procs.map((p) => p.request({ type: "report" }, "report", REPORT_TIMEOUT_MS)))).map((e) => e.report);
    const remoteLatency = await latency;

    const room = metrics.rooms.find((r) => r.workspace === DEFAULT_WORKSPACE);
    if (!room) throw new Error(`GET /metrics lists no "${DEFAULT_WORKSPACE}" room`);
    const perClient = reports.flatMap((r) => r.clients.map((c) => ({ ...c, bytesPerS: c.bytes / r.elapsedS, messagesPerS: c.messages / r.elapsedS, movesPerS: c.moves / r.elapsedS })));
    const bytesPerS = perClient.map((c) => c.bytesPerS);
    return {
      clients: options.clients,
      joined,
      joinFailures,
      agents: room.agents,
      peopleInRoom: room.people,
      measuredS: windowMs / 1000,
      tickMs: room.tickMs,
      busyMs: room.busyMs,
      writeEvery: room.writeEvery,
      moveIntervalMs: room.moveIntervalMs,
      downstream: {
        meanBytesPerS: mean(bytesPerS),
        minBytesPerS: Math.min(...bytesPerS),
        maxBytesPerS: Math.max(...bytesPerS),
        meanMessagesPerS: mean(perClient.map((c) => c.messagesPerS)),
      },
      upstreamMovesPerS: mean(perClient.map((c) => c.movesPerS)),
      errors: perClient.reduce((n, c) => n + c.errors, 0),
      errorSamples: perClient.flatMap((c) => c.errorSamples).slice(0, 5),
      serverCpuPercent: cpuStart === null || cpuEnd === null ? null : ((cpuEnd - cpuStart) / windowMs) * 100,
      eventLoopCpuPercent: loopCpuStart === null || loopCpuEnd === null ? null : ((loopCpuEnd - loopCpuStart) / windowMs) * 100,
      serverMemoryMb: metrics.memoryMb,
      loadGenerator: {
        processes: procs.length,
        cpuPercent: reports.reduce((n, r) => n + r.cpuPercent, 0),
        loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
      },
      remoteLatency,
    };
  } finally {
    progress("clients leaving");
    await Promise.all(procs.map((p) => p.stop()));
  }
}
