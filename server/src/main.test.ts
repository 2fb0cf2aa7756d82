import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs the real entry point the way `npm start` does, and returns how it ended. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("server start-up", () => {
  it("refuses a bad world file, naming the file, the field and the problem", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-main-"));
    const world = fs.readFileSync(path.join(ROOT, "config/world.yaml"), "utf8").replace('colour: "#f59e0b"', 'colour: "orange"');
    const file = path.join(dir, "world.yaml");
    fs.writeFileSync(file, world);
    const run = start({ ATRIUM_WORLD: file, ATRIUM_DB: path.join(dir, "db.sqlite") });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Atrium cannot start");
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain("districts[1].colour: must be a hex colour");
    expect(fs.existsSync(path.join(dir, "db.sqlite"))).toBe(false); // nothing was created
  });

  it("refuses a bad PORT with a clear message", () => {
    const run = start({ PORT: "eighty" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Atrium cannot start: PORT must be/);
  });
});
