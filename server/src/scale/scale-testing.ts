import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { WorkspaceState } from "../../../shared/state";
import { until } from "../testing/harness";

/**
 * Test helpers for scale-out: real server processes (`node --import tsx server/src/main.ts`) and
 * SDK clients matchmade through a chosen one. Test code only; nothing in the server imports this.
 */

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface AtriumProcess {
  child: ChildProcess;
  url: string;
  port: number;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts one server process and waits for /readyz; hermetic (offline planner) unless `env` says otherwise. */
export async function startAtriumProcess(port: number, env: Record<string, string>): Promise<AtriumProcess> {
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, OPENAI_BASE_URL: "", OPENAI_API_KEY: "", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "production", ATRIUM_AUTH: "open", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const proc: AtriumProcess = { child, url: `http://127.0.0.1:${port}`, port, out: () => out, exited };
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    if (await fetch(`${proc.url}/readyz`).then((r) => r.ok, () => false)) return proc;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server on port ${port} not ready after 45 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after 12 s; how it exited. */
export async function stopAtriumProcess(p: AtriumProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 12_000);
  const result = await p.exited;
  clearTimeout(timer);
  return result;
}

/** The owner link's token the process printed at start (every process shares the database's secret). */
export function ownerTokenOf(p: AtriumProcess): string {
  const m = /Owner link[^\n]*\n\s*(\S+)/.exec(p.out());
  const token = m ? new URL(m[1]!).searchParams.get("token") : null;
  if (!token) throw new Error(`no owner link in the output of :${p.port}:\n${p.out()}`);
  return token;
}

export interface SeatReservation {
  roomId: string;
  processId: string;
  publicAddress?: string;
}

/** The SDK's joinOrCreate in its two steps: the matchmaking call to `via`, then the seat reservation (to the host). */
export async function joinVia(via: AtriumProcess, workspace: string, name: string): Promise<{ reservation: SeatReservation; room: Room<unknown, WorkspaceState> }> {
  const res = await fetch(`${via.url}/matchmake/joinOrCreate/${WORKSPACE_ROOM}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ workspace, name }),
  });
  if (res.status !== 200) throw new Error(`matchmaking through :${via.port} answered ${res.status}: ${await res.text()}`);
  const reservation = (await res.json()) as SeatReservation;
  const room = await new Client(via.url).consumeSeatReservation<WorkspaceState>(reservation as never);
  await until(`${name}'s first state`, () => room.state.people?.size > 0, 10_000);
  return { reservation, room };
}

/** Like `until`, for a check that must await. */
export async function untilAsync(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
