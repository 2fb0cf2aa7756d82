import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ColyseusTestServer } from "@colyseus/testing";
import { createAtrium, type Atrium, type AtriumOptions, type ClientServing } from "../app";
import { createLogger } from "../logger";
import { freePort } from "./free-port";

/**
 * Helpers shared by the server tests: a free port, a polling wait, and a real Atrium on
 * loopback. Test code only; nothing in the server imports this.
 */

const ROOT = path.resolve(__dirname, "../../..");
const WORLD_FILE = path.join(ROOT, "config/world.yaml");
const AGENTS_FILE = path.join(ROOT, "config/agents.yaml");

/**
 * Writes an LLM settings file (config/llm.yaml's format) for tests: fixed prices, no budgets,
 * quick retries, a breaker that stays closed. Returns its path; `remove()` deletes it.
 */
export function writeTestLlmSettings(limits: { maxRetries: number; timeoutMs: number }): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-llm-settings-"));
  const file = path.join(dir, "llm.yaml");
  fs.writeFileSync(
    file,
    [
      "prices:",
      "  default: { input: 2.5, output: 10 }",
      "budgets: { perAgentUsd: null, perWorkspaceUsd: null }",
      `limits: { maxRetries: ${limits.maxRetries}, backoffBaseMs: 5, backoffMaxMs: 10, attemptTimeoutMs: ${limits.timeoutMs}, idleTimeoutMs: ${limits.timeoutMs}, breakerFailureThreshold: 50 }`,
    ].join("\n"),
  );
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export { freePort };

/**
 * Polls `check` every `intervalMs` until it returns something truthy, and resolves with that.
 * Throws `timed out waiting for <what>` after `timeoutMs`.
 */
export async function until<T>(what: string, check: () => T, timeoutMs = 5000, intervalMs = 20): Promise<Exclude<Awaited<T>, null | undefined | false | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A check may be async (it reads the database).
    const v = (await check()) as Exclude<Awaited<T>, null | undefined | false | 0 | "">;
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface TestAtrium {
  atrium: Atrium;
  colyseus: ColyseusTestServer;
  /** A temporary directory of its own, holding the database; removed by close(). */
  tmp: string;
  /** The HTTP base URL, e.g. http://127.0.0.1:54321 */
  url: string;
  /** Closes the server and removes `tmp`. */
  close(): Promise<void>;
}

export interface StartTestAtriumOptions {
  /** Names the temporary directory (atrium-<name>-…). */
  name: string;
  /** How the client is served. Default: not at all. */
  client?: ClientServing;
  /**
   * Passed to createAtrium. `env` defaults to `{}`, which keeps tests hermetic (never the
   * developer's OPENAI_* settings); pass an `env` of its own to configure the LLM.
   */
  options?: AtriumOptions;
}

/**
 * A real Atrium listening on loopback with the repository's world and roster, a fresh database
 * and a Colyseus test client. Colyseus' matchMaker is one per process: start one per test file
 * at a time (vitest runs each file in its own process), and close it before starting another.
 */
export async function startTestAtrium({ name, client, options }: StartTestAtriumOptions): Promise<TestAtrium> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `atrium-${name}-`));
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  let atrium: Atrium | undefined;
  try {
    const port = await freePort();
    atrium = await createAtrium(
      { port, host: "127.0.0.1", dbFile: path.join(tmp, "atrium.db"), worldFile: WORLD_FILE, agentsFile: AGENTS_FILE },
      createLogger("silent"),
      client ?? { kind: "none" },
      { ...options, env: options?.env ?? {} },
    );
    await atrium.listen();
    const colyseus = new ColyseusTestServer(atrium.server);
    const started = atrium;
    return {
      atrium: started,
      colyseus,
      tmp,
      url: `http://127.0.0.1:${port}`,
      async close() {
        try {
          await started.close();
        } finally {
          removeTmp();
        }
      },
    };
  } catch (err) {
    await atrium?.close().catch(() => undefined);
    removeTmp();
    throw err;
  }
}
