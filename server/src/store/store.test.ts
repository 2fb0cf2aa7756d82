import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "./migrations";
import { postgresMigrations } from "./migrations-pg";
import { openStore, StoreInputError, type WorkChange } from "./store";
import { countRows } from "../testing/db-count";
import { DIALECTS, useTestDatabases } from "./store-testing";

describe.each(DIALECTS)("Store on %s", (dialect) => {
  const dbs = useTestDatabases(dialect);

  it("runs every migration on a fresh database", async () => {
    const store = await dbs.openStore(await dbs.target());
    expect(store.dialect).toBe(dialect);
    expect(migrations.length).toBeGreaterThan(0);
    expect(store.schemaVersion).toBe(migrations.length);
    expect(await countRows(store.db, "audit")).toBe(0);
    expect(await store.ping()).toBe(true);
  });

  it("reopens an existing database without re-running migrations", async () => {
    const target = await dbs.target();
    const first = await openStore(target);
    await first.audit({ workspace: "main", actor: "p1", kind: "join" });
    await first.close();

    // A migration that ran twice would fail ("relation audit already exists") or wipe the rows.
    const second = await dbs.openStore(target);
    expect(second.schemaVersion).toBe(migrations.length);
    const rows = await second.recentAudit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ workspace: "main", actor: "p1", kind: "join" });
  });

  it("round-trips audit entries, newest first, with parsed data, numeric ids and an ISO timestamp", async () => {
    const store = await dbs.openStore();
    const before = Date.now();
    await store.audit({ workspace: "main", actor: "p1", kind: "join", data: { name: "Ada", mode: "desktop" } });
    await store.audit({ workspace: "other", actor: "p2", kind: "join" });
    await store.audit({ workspace: "main", actor: "p1", kind: "leave", data: { code: 4000, nested: { a: [1, 2] } } });

    const all = await store.recentAudit();
    expect(all.map((r) => r.kind)).toEqual(["leave", "join", "join"]);
    expect(typeof all[0]!.id).toBe("number");
    expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
    expect(all[0]!.data).toEqual({ code: 4000, nested: { a: [1, 2] } });
    expect(all[1]!.data).toEqual({});
    expect(all[2]!.data).toEqual({ name: "Ada", mode: "desktop" });
    const at = Date.parse(all[2]!.at);
    expect(all[2]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    expect(await store.recentAudit(1)).toHaveLength(1);
    const main = await store.recentAudit(100, "main");
    expect(main).toHaveLength(2);
    expect(main.every((r) => r.workspace === "main")).toBe(true);
    expect(await store.recentAudit(100, "nowhere")).toEqual([]);
  });

  it("ping reports a closed store as down, and closing twice is harmless", async () => {
    const store = await openStore(await dbs.target());
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
    await store.close();
  });

  it("holds store writes in one transaction: listeners hear after the commit; a nested failure undoes only its part", async () => {
    const store = await dbs.openStore();
    const heard: WorkChange["kind"][] = [];
    store.work.onChange((c) => heard.push(c.kind));
    const task = await store.transaction(async () => {
      const t = await store.work.createTask({ workspace: "main", title: "kept", createdBy: "cleo" });
      await store.audit({ workspace: "main", actor: "cleo", kind: "join" });
      await store.messages.addMessage({ workspace: "main", fromId: "p1", fromKind: "person", toId: "iris", text: "kept" });
      // A part that fails: rolled back to its savepoint, the rest goes on.
      await expect(
        store.transaction(async () => {
          await store.work.createTask({ workspace: "main", title: "undone", createdBy: "cleo" });
          await store.work.updateTask(t.id, { status: "review" }, "iris"); // todo → review is refused
        }),
      ).rejects.toBeInstanceOf(StoreInputError);
      expect(heard).toEqual([]); // nothing told before the commit
      return t;
    });
    expect(heard).toEqual(["task", "audit"]);
    expect((await store.work.listTasks("main")).map((t) => t.title)).toEqual(["kept"]);
    expect((await store.messages.recentMessages("main", 10, "iris")).map((m) => m.text)).toEqual(["kept"]);
    expect(await store.work.getTask(task.id)).toMatchObject({ status: "todo" });

    // A failure of the whole rolls everything back, and nobody hears of it.
    await expect(
      store.transaction(async () => {
        await store.work.createTask({ workspace: "main", title: "gone", createdBy: "cleo" });
        await store.messages.addMessage({ workspace: "main", fromId: "p1", fromKind: "person", toId: "iris", text: "gone" });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(heard).toEqual(["task", "audit"]);
    expect(await countRows(store.db, "tasks")).toBe(1);
    expect((await store.messages.recentMessages("main", 10, "iris")).map((m) => m.text)).toEqual(["kept"]);
  });

  it("writes a burst of fifty messages in one statement, in order, all or none", async () => {
    const store = await dbs.openStore();
    const burst = Array.from({ length: 50 }, (_, i) => ({ workspace: "main", fromId: `p${i}`, fromKind: "person" as const, toId: "iris", text: `hello ${i}` }));
    const saved = await store.messages.addMessages(burst);
    expect(saved.map((m) => m.text)).toEqual(burst.map((m) => m.text));
    expect(saved.map((m) => m.id)).toEqual([...saved.map((m) => m.id)].sort((a, b) => a - b));
    expect(new Set(saved.map((m) => m.id)).size).toBe(50);
    expect(await store.messages.recentMessages("main", 50)).toEqual(saved);
    await expect(store.messages.addMessages([...burst, { ...burst[0]!, text: " " }])).rejects.toThrow(/text must not be empty/);
    expect(await countRows(store.db, "messages")).toBe(50);
  });
});

describe("Store on sqlite only", () => {
  let dir: string;
  const open: Array<{ close(): Promise<void> }> = [];
  const fresh = (name: string) => path.join(dir, name);
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-store-"));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates the file and its folder, and records the migrations in user_version", async () => {
    const file = fresh("nested/deeper/atrium.db");
    const store = await openStore(file);
    open.push(store);
    expect(fs.existsSync(file)).toBe(true);
    expect(store.sqlite!.pragma("user_version", { simple: true })).toBe(migrations.length);
    expect(store.sqlite!.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit'").all()).toHaveLength(1);
  });

  it("uses WAL journal mode on a file database", async () => {
    const store = await openStore(fresh("wal.db"));
    open.push(store);
    expect(store.sqlite!.pragma("journal_mode", { simple: true })).toBe("wal");
  });

  it("applies only the missing migrations to an older database", async () => {
    const file = fresh("older.db");
    const raw = new Database(file);
    raw.pragma("user_version = 0");
    raw.close();
    const store = await openStore(file);
    open.push(store);
    expect(store.schemaVersion).toBe(migrations.length);
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

  it("works in memory", async () => {
    const store = await openStore(":memory:");
    open.push(store);
    expect(store.schemaVersion).toBe(migrations.length);
    await store.audit({ workspace: "main", actor: "p1", kind: "join" });
    expect(await store.recentAudit()).toHaveLength(1);
  });
});

describe("Store on postgres only", () => {
  const dbs = useTestDatabases("postgres");

  const versions = async (url: string) => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      return (await client.query<{ version: number }>("SELECT version FROM atrium_migrations ORDER BY version")).rows.map((r) => r.version);
    } finally {
      await client.end();
    }
  };

  it("has one PostgreSQL migration for each SQLite one, recorded in atrium_migrations", async () => {
    expect(postgresMigrations).toHaveLength(migrations.length);
    const url = await dbs.target();
    await dbs.openStore(url);
    expect(await versions(url)).toEqual(migrations.map((_, i) => i + 1));
  });

  it("two servers opening one fresh database at once both start, and the migrations run once", async () => {
    const url = await dbs.target();
    const [a, b] = await Promise.all([dbs.openStore(url), dbs.openStore(url)]);
    expect([a.schemaVersion, b.schemaVersion]).toEqual([migrations.length, migrations.length]);
    expect(await versions(url)).toEqual(migrations.map((_, i) => i + 1));
    const t = await a.work.createTask({ workspace: "main", title: "shared", createdBy: "cleo" });
    expect((await b.work.getTask(t.id))?.title).toBe("shared");
  });

  it("upgrades a version-1 database, keeping its audit rows", async () => {
    const url = await dbs.target();
    const client = new pg.Client(url);
    await client.connect();
    await client.query(postgresMigrations[0]!);
    await client.query("CREATE TABLE atrium_migrations (version integer PRIMARY KEY, applied_at text NOT NULL); INSERT INTO atrium_migrations VALUES (1, 'then')");
    await client.query("INSERT INTO audit (at, workspace, actor, kind, data) VALUES ('2024-01-01T00:00:00.000Z', 'main', 'p1', 'join', '{}')");
    await client.end();

    const upgraded = await dbs.openStore(url);
    expect(await versions(url)).toEqual(migrations.map((_, i) => i + 1));
    expect(await upgraded.recentAudit()).toEqual([{ id: 1, at: "2024-01-01T00:00:00.000Z", workspace: "main", actor: "p1", kind: "join", data: {} }]);
    const t = await upgraded.work.createTask({ workspace: "main", title: "after upgrade", createdBy: "x" });
    expect((await upgraded.work.getTask(t.id))?.title).toBe("after upgrade");
    // The next audit id follows the kept row's (an identity column, like SQLite's autoincrement).
    expect((await upgraded.audit({ workspace: "main", actor: "p2", kind: "join" })).id).toBe(2);
  });

  it("refuses a database written by a newer server, with a clear error, and changes nothing", async () => {
    const url = await dbs.target();
    const client = new pg.Client(url);
    await client.connect();
    await client.query(`CREATE TABLE atrium_migrations (version integer PRIMARY KEY, applied_at text NOT NULL); INSERT INTO atrium_migrations VALUES (${migrations.length + 5}, 'later')`);
    await client.end();
    await expect(openStore(url)).rejects.toThrow(
      new RegExp(`schema version ${migrations.length + 5} is newer than this server knows \\(${migrations.length}\\).*upgrade`),
    );
    expect(await versions(url)).toEqual([migrations.length + 5]);
  });

  it("says which database it could not open, without its password", async () => {
    const error = (await openStore("postgres://atrium:hunter2@127.0.0.1:1/nowhere").catch((err: unknown) => err)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/could not open the PostgreSQL database postgres:\/\/atrium:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
    expect(error.message).not.toMatch(/hunter2/);
  });

  it("reads counts, sums and bigint ids as numbers", async () => {
    const store = await dbs.openStore();
    await store.llm.recordLlmCall({ workspace: "main", agentId: "iris", model: "m", request: {}, costUsd: 0.25, outcome: "ok" });
    const row = await store.db
      .selectFrom("llm_calls")
      .select([sql<number>`count(*)`.as("n"), sql<number>`sum(prompt_tokens)`.as("tokens"), sql<number>`max(id)`.as("id")])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ n: 1, tokens: 0, id: 1 });
  });
});
