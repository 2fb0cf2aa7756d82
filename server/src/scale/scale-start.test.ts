import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../testing/harness";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Runs the real entry point and resolves with how it ended and what it said. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_BASE_URL: "", OPENAI_API_KEY: "", HOST: "127.0.0.1", LOG_LEVEL: "silent", NODE_ENV: "production", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe("start-up with REDIS_URL", () => {
  it("refuses a bad REDIS_URL, and HOST=0.0.0.0 without ATRIUM_PUBLIC_ADDRESS, saying what to set", async () => {
    const bad = await start({ PORT: String(await freePort()), REDIS_URL: "http://127.0.0.1:6379" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Atrium cannot start: REDIS_URL must start with redis:// or rediss://");
    const wildcard = await start({ PORT: String(await freePort()), HOST: "0.0.0.0", REDIS_URL: "redis://127.0.0.1:6379" });
    expect(wildcard.code).toBe(1);
    expect(wildcard.stderr).toContain("set ATRIUM_PUBLIC_ADDRESS");
  }, 60_000);

  it("stops with a clear message when Redis does not answer, creating nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-noredis-"));
    try {
      const redisPort = await freePort(); // nothing listens there
      const run = await start({ PORT: String(await freePort()), REDIS_URL: `redis://:pw@127.0.0.1:${redisPort}`, ATRIUM_DB: path.join(dir, "atrium.db") });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Atrium cannot start: Redis at redis://:***@127.0.0.1:${redisPort} is unreachable after 10 s (connect ECONNREFUSED`);
      expect(run.stderr).toContain("without REDIS_URL Atrium runs as one process");
      expect(run.stderr).not.toContain(":pw@");
      expect(fs.existsSync(path.join(dir, "atrium.db"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
