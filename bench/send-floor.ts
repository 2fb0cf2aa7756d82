import { spawn } from "node:child_process";
import path from "node:path";
import WebSocket from "ws";
import { onExitCleanup } from "./exit-cleanup";
import { pinning } from "./pinning";
import { REPO_ROOT } from "./server-process";

/**
 * The machine's floor under the room-capacity row: what one small WebSocket send costs here, with
 * nothing of Atrium's around it. A bare `ws` server (bench/send-floor-server.ts, pinned like the
 * real server) sends a pose-stream-sized frame to each of N loopback clients every patch
 * interval. A room of N people sends at least one such frame per person per patch, so
 * N × the cost of one is the least any tick of that room can cost on this machine.
 */
export interface SendFloorOptions {
  /** Connections. Default 200 (the capacity budget's client count). */
  clients?: number;
  /** Patch intervals. Default 100. */
  rounds?: number;
  /** Default 50 ms (the patch interval). */
  intervalMs?: number;
  /** Frame size (bytes). Default 170, about a full-rate pose message to one client. */
  bytes?: number;
}

export interface SendFloorResult {
  clients: number;
  sends: number;
  bytes: number;
  /** The server process's CPU time per send (µs): user + system, syscalls included. */
  cpuUsPerSend: number;
  /** Wall time of the send loop per send (µs). */
  loopUsPerSend: number;
  /** The send loop of one patch interval to every client (ms): a room's tick can cost no less. */
  loopMsPerInterval: number;
}

const START_TIMEOUT_MS = 10_000;

export async function runSendFloor(options: SendFloorOptions = {}): Promise<SendFloorResult> {
  const clients = options.clients ?? 200;
  const rounds = options.rounds ?? 100;
  const intervalMs = options.intervalMs ?? 50;
  const bytes = options.bytes ?? 170;
  const [command, ...prefixArgs] = [...pinning().serverPrefix, process.execPath];
  const child = spawn(command!, [...prefixArgs, "--import", "tsx", path.join(REPO_ROOT, "bench", "send-floor-server.ts")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const kill = () => child.kill("SIGKILL");
  const unregister = onExitCleanup(kill);
  const sockets: WebSocket[] = [];
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("send-floor server did not start")), START_TIMEOUT_MS);
      child.once("message", (m: { kind: string; port: number }) => {
        clearTimeout(timer);
        resolve(m.port);
      });
      child.once("exit", (code) => reject(new Error(`send-floor server exited (${code})`)));
    });
    for (let i = 0; i < clients; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      ws.on("message", () => {});
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      sockets.push(ws);
    }
    const done = new Promise<{ sends: number; sendMs: number; cpuMs: number }>((resolve) => child.on("message", (m: { kind: string; sends: number; sendMs: number; cpuMs: number }) => m.kind === "done" && resolve(m)));
    child.send({ rounds, intervalMs, bytes });
    const r = await done;
    if (r.sends === 0) throw new Error("no sends");
    return { clients, sends: r.sends, bytes, cpuUsPerSend: (r.cpuMs * 1000) / r.sends, loopUsPerSend: (r.sendMs * 1000) / r.sends, loopMsPerInterval: r.sendMs / rounds };
  } finally {
    for (const ws of sockets) ws.terminate();
    kill();
    unregister();
  }
}

/** Lines for the room-capacity section of docs/BENCHMARKS.md. */
export function sendFloorDetails(outcome: { ok: true; result: SendFloorResult } | { ok: false; error: string } | undefined): string[] {
  if (!outcome) return [];
  if (!outcome.ok) return [`\nThe send floor could not be measured: ${outcome.error}`];
  const r = outcome.result;
  return [
    `\n**This machine's floor.** A bare \`ws\` server on the server's core, nothing of Atrium's, sending a ${r.bytes}-byte frame ` +
      `to each of ${r.clients} loopback clients every 50 ms: ${r.cpuUsPerSend.toFixed(1)} µs of CPU per send, and the send loop alone ` +
      `takes ${r.loopMsPerInterval.toFixed(2)} ms per patch interval (${r.loopUsPerSend.toFixed(1)} µs per send). A room writing each of ${r.clients} ` +
      `sockets after every patch could not cost less than that here; the room writes each socket every few patches instead, all it holds in one write (send-batch.ts).`,
  ];
}
