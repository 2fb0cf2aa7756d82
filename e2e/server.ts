import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../server/src/testing/free-port";

export const ROOT = path.resolve(import.meta.dirname, "..");

export { freePort };

export interface RunningServer {
  url: string;
  port: number;
  dbFile: string;
  output: () => string;
  stop: () => Promise<void>;
  /** Kills the process with `signal` (no shutdown of its own) and resolves with how it ended. */
  kill: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the product the way a user does after `npm run build`: `node --import tsx
 * server/src/main.ts`, on a free port with its own database file, serving dist/client.
 * Pass `ATRIUM_DB` to run on a database file of your own (a restart on the same data).
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-e2e-"));
  const dbFile = env.ATRIUM_DB ?? path.join(dir, "atrium.db");
  let out = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      // Hermetic by default: the offline planner, whatever LLM the developer has configured.
      OPENAI_BASE_URL: "",
      OPENAI_API_KEY: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      ATRIUM_DB: dbFile,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server not ready after 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    dbFile,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
    kill: (signal = "SIGKILL") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
        child.once("exit", (code, sig) => resolve({ code, signal: sig }));
        child.kill(signal);
      }),
  };
}
