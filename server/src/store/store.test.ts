import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "./migrations";
import { openStore, type Store } from "./store";

let dir: string;
const open: Store[] = [];

function fresh(name: string): string {
  return path.join(dir, name);
}

function track(store: Store): Store {
  open.push(store);
  return store;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-store-"));
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Store", () => {
  it("creates the file and its folder, runs every migration and records user_version", async () => {
    const file = fresh("nested/deeper/atrium.db");
    const store = track(await openStore(file));
    expect(fs.existsSync(file)).toBe(true);
    expect(migrations.length).toBeGreaterThan(0);
    expect(store.schemaVersion).toBe(migrations.length);
    expect(store.sqlite!.pragma("user_version", { simple: true })).toBe(migrations.length);
    const tables = store.sqlite!.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit'").all();
    expect(tables).toHaveLength(1);
  });

  it("uses WAL journal mode on a file database", async () => {
    const store = track(await openStore(fresh("wal.db")));
    expect(store.sqlite!.pragma("journal_mode", { simple: true })).toBe("wal");
    expect((await store.ping())).toBe(true);
  });

  it("reopens an existing database without re-running migrations", async () => {
    const file = fresh("reopen.db");
    const first = await openStore(file);
    await first.audit({ workspace: "main", actor: "p1", kind: "join" });
    await first.close();

    // A migration that ran twice would fail ("table audit already exists") or wipe the rows.
    const second = track(await openStore(file));
    expect(second.schemaVersion).toBe(migrations.length);
    const rows = await second.recentAudit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspace: "main", actor: "p1", kind: "join" });
  });

  it("applies only the missing migrations to an older database", async () => {
    const file = fresh("older.db");
    const raw = new Database(file);
    raw.pragma("user_version = 0");
    raw.close();
    const store = track(await openStore(file));
    expect(store.schemaVersion).toBe(migrations.length);
  });

  it("round-trips audit entries, newest first, with parsed data and an ISO timestamp", async () => {
    const store = track(await openStore(fresh("audit.db")));
    const before = Date.now();
    await store.audit({ workspace: "main", actor: "p1", kind: "join", data: { name: "Ada", mode: "desktop" } });
    await store.audit({ workspace: "other", actor: "p2", kind: "join" });
    await store.audit({ workspace: "main", actor: "p1", kind: "leave", data: { code: 4000, nested: { a: [1, 2] } } });

    const all = await store.recentAudit();
    expect(all.map((r) => r.kind)).toEqual(["leave", "join", "join"]);
    expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
    expect(all[0]!.data).toEqual({ code: 4000, nested: { a: [1, 2] } });
    expect(all[1]!.data).toEqual({});
    expect(all[2]!.data).toEqual({ name: "Ada", mode: "desktop" });
    const at = Date.parse(all[2]!.at);
    expect(all[2]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    expect((await store.recentAudit(1))).toHaveLength(1);
    const main = await store.recentAudit(100, "main");
    expect(main).toHaveLength(2);
    expect(main.every((r) => r.workspace === "main")).toBe(true);
    expect((await store.recentAudit(100, "nowhere"))).toEqual([]);
  });

  it("refuses a database written by a newer server, with a clear error", async () => {
    const file = fresh("newer.db");
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    await expect(openStore(file)).rejects.toThrow(
      new RegExp(`schema version ${migrations.length + 5} is newer than this server knows \\(${migrations.length}\\).*upgrade`),
    );
    // The refused database was closed again, not left open behind the error (an open WAL
    // database keeps its -wal and -shm files; closing the last connection removes them).
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
    // and it left the file alone
    const check = new Database(file);
    expect(check.pragma("user_version", { simple: true })).toBe(migrations.length + 5);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'audit'").all()).toEqual([]);
    check.close();
  });

  it("works in memory, and ping reports a closed database as down", async () => {
    const store = await openStore(":memory:");
    expect(store.schemaVersion).toBe(migrations.length);
    expect((await store.ping())).toBe(true);
    await store.close();
    expect((await store.ping())).toBe(false);
    await store.close(); // closing twice is harmless
  });
});
