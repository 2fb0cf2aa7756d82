import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
/**
 * Test helpers for the store's own tests, on either dialect: fresh databases (a SQLite file in a
 * temp dir, or a fresh database in a private PostgreSQL cluster started once per test file),
 * stores opened on them and closed again, and a few portable probes (row counts, failing writes).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { startPostgres, type TestPostgres } from "./postgres-testing";
import type { AtriumDb, Dialect } from "./schema";
import { openStore, type Store } from "./store";

/** Both dialects, for describe.each. */
export const DIALECTS: readonly Dialect[] = ["sqlite", "postgres"];
const TABLES: ReadonlyArray<keyof AtriumDb> = ["audit", "tasks", "task_events", "artifacts", "messages", "llm_calls", "agent_samples", "settings", "invites", "agent_tokens"];
/** How long starting a private PostgreSQL may take in a beforeAll (ms). */
export const START_TIMEOUT_MS = 60_000;

/**
 * Fresh databases of one dialect for one test file: SQLite files in a temp dir, or databases in
 * one private PostgreSQL cluster (started by start(), in beforeAll). Call stop() in afterAll.
 */
export class TestDatabases {
  private dir: string | null = null;
  private n = 0;
  private readonly open: Store[] = [];
  private postgres: Promise<TestPostgres> | null = null;
  private suiteDatabase: string | undefined;

  constructor(readonly dialect: Dialect) {}

  /** Starts the private PostgreSQL cluster (nothing to start for SQLite). */
  async start(): Promise<void> {
    if (this.dialect === "postgres") await (this.postgres ??= startPostgres());
  }

  /** A new, empty database: a SQLite file path or a postgres:// URL. */
  async target(name = "atrium"): Promise<string> {
    if (this.dialect === "postgres") return (await (this.postgres ??= startPostgres())).createDatabase();
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "atrium-store-"));
    return path.join(this.dir, `${name}-${++this.n}.db`);
  }

  /**
   * Opens a store on `target`, closed by closeAll(). Without a target: an empty database, a new
   * SQLite file, or on PostgreSQL the suite's own database with every table emptied (creating a
   * database per test would cost a quarter of a second each).
   */
  async openStore(target?: string): Promise<Store> {
    const suite = target === undefined && this.dialect === "postgres";
    if (suite) target = this.suiteDatabase ??= await this.target("suite");
    const store = await openStore(target ?? (await this.target()));
    this.open.push(store);
    if (suite) await sql.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`).execute(store.db);
    return store;
  }

  /** Closes every store opened here (afterEach). */
  async closeAll(): Promise<void> {
    for (const s of this.open.splice(0)) await s.close();
  }

  /** Closes everything and removes the files (afterAll). */
  async stop(): Promise<void> {
    await this.closeAll();
    const postgres = this.postgres;
    this.postgres = null;
    this.suiteDatabase = undefined;
    await (await postgres?.catch(() => null))?.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}


/**
 * Registers a suite's databases of `dialect`: the private cluster started before its tests, every
 * store closed after each test, everything removed after the suite. With `fresh`, each test also
 * gets a fresh store, opened before it and handed to `fresh`.
 */
export function useTestDatabases(dialect: Dialect, fresh?: (store: Store) => void): TestDatabases {
  const dbs = new TestDatabases(dialect);
  beforeAll(() => dbs.start(), START_TIMEOUT_MS);
  if (fresh) beforeEach(async () => fresh(await dbs.openStore()));
  afterEach(() => dbs.closeAll());
  afterAll(() => dbs.stop());
  return dbs;
}

/** Makes every insert into `table` fail with `message` until the returned function is called. */
export async function failInserts(store: Store, table: "task_events" | "messages", message: string): Promise<() => Promise<void>> {
  if (store.dialect === "sqlite") {
    await sql.raw(`CREATE TEMP TRIGGER fail_${table} BEFORE INSERT ON main.${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`).execute(store.db);
    return async () => void (await sql.raw(`DROP TRIGGER fail_${table}`).execute(store.db));
  }
  await sql.raw(`CREATE FUNCTION fail_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`).execute(store.db);
  await sql.raw(`CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION fail_${table}()`).execute(store.db);
  return async () => {
    await sql.raw(`DROP TRIGGER fail_${table} ON ${table}`).execute(store.db);
    await sql.raw(`DROP FUNCTION fail_${table}()`).execute(store.db);
  };
}
