import type Database from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { DbContext } from "./db-context";
import { openPostgres } from "./open-postgres";
import { openSqlite } from "./open-sqlite";
import type { AtriumDb, Db, Dialect } from "./schema";
import { WalCheckpointer } from "./wal-checkpointer";
import { WorkQueries } from "./work-queries";
import { WorkStore } from "./work-store";
import { MessageStore } from "./message-store";
import { LlmCallStore } from "./llm-call-store";
import { toAudit } from "./work-rows";

export { WorkStore } from "./work-store";
export { MessageStore, MESSAGE_LIST_LIMIT, CONVERSATION_CACHE } from "./message-store";
export { LlmCallStore, LLM_CALL_LIST_LIMIT } from "./llm-call-store";
export { WorkQueries, type BoardTask, type WorkspaceExport } from "./work-queries";
export * from "./work-types";
export type { AtriumDb, Db, Dialect } from "./schema";

/** True when `target` names a PostgreSQL database (postgres:// or postgresql://) rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens the store: `target` is a SQLite file (":memory:" allowed; created with its folder) or a
 * postgres:// / postgresql:// URL. Runs the migrations (refusing a database a newer server wrote),
 * then resolves to the Store. Close it with `await store.close()`.
 */
export async function openStore(target: string): Promise<Store> {
  if (isPostgresUrl(target)) {
    const { db, schemaVersion } = await openPostgres(target);
    return new Store({ db, dialect: "postgres", schemaVersion });
  }
  const { sqlite, db, schemaVersion } = openSqlite(target);
  return new Store({ db, dialect: "sqlite", schemaVersion, sqlite, file: target });
}

export interface AuditEntry {
  workspace: string;
  /** Who did it: a person's id, an agent's id, or "system". */
  actor: string;
  /** What happened, e.g. "join", "leave", "reject". */
  kind: string;
  data?: Record<string, unknown>;
}

export interface AuditRow extends Required<AuditEntry> {
  id: number;
  at: string;
}

interface Opened {
  db: Db;
  dialect: Dialect;
  schemaVersion: number;
  /** SQLite only: the raw handle and its file. */
  sqlite?: Database.Database;
  file?: string;
}

/**
 * The persistence layer, on SQLite (WAL mode, the zero-configuration default) or PostgreSQL
 * (DATABASE_URL), through one Kysely query builder. Open it with openStore().
 */
export class Store {
  /** The query builder over the database (Kysely): portable queries for both dialects. */
  readonly db: Db;
  /** Which engine is behind `db`; where SQL must differ, branch on it. */
  readonly dialect: Dialect;
  /** The number of migrations applied (read when the store was opened). */
  readonly schemaVersion: number;
  /** @internal SQLite only: the better-sqlite3 handle (the WAL checkpointer, SQLite-only tests). */
  readonly sqlite: Database.Database | undefined;
  /** Tasks, task events and artifacts. */
  readonly work: WorkStore;
  /** What people and agents said to each other. */
  readonly messages: MessageStore;
  /** Every LLM call, with its request and response. */
  readonly llm: LlmCallStore;
  /** Read-only views over the work: boards, walls, the activity feed, the REST API, the export. */
  readonly queries: WorkQueries;
  private readonly ctx: DbContext;
  private checkpointer: WalCheckpointer | null = null;
  private closed = false;

  /** Use openStore(). */
  constructor(opened: Opened) {
    this.db = opened.db;
    this.dialect = opened.dialect;
    this.schemaVersion = opened.schemaVersion;
    this.sqlite = opened.sqlite;
    this.ctx = new DbContext(this.db, this.dialect);
    this.work = new WorkStore(this.ctx);
    this.messages = new MessageStore(this.ctx);
    this.llm = new LlmCallStore(this.ctx);
    this.queries = new WorkQueries(this.ctx);
    // Checkpoints on a thread of their own, never inside a commit on the event loop (wal-checkpointer.ts).
    if (opened.sqlite && opened.file && opened.file !== ":memory:") {
      this.checkpointer = new WalCheckpointer(opened.sqlite, opened.file, (message) => process.emitWarning(message, "AtriumStoreWarning"));
    }
  }

  /**
   * Runs `fn` in one transaction: every store method it awaits (and every query it sends through
   * the executor it is given) commits with it or not at all; work listeners hear of its changes
   * after the commit. Nested, it is a savepoint. Await writes inside it one after another.
   */
  transaction<T>(fn: (db: Kysely<AtriumDb>) => Promise<T>): Promise<T> {
    return this.ctx.transaction(fn);
  }

  /** Writes one audit row and tells the work listeners (a "audit" WorkChange) once it is committed. Returns the row. */
  async audit(entry: AuditEntry): Promise<AuditRow> {
    const at = new Date().toISOString();
    const text = JSON.stringify(entry.data ?? {});
    const { id } = await this.ctx.q
      .insertInto("audit")
      .values({ at, workspace: entry.workspace, actor: entry.actor, kind: entry.kind, data: text })
      .returning("id")
      .executeTakeFirstOrThrow();
    const row: AuditRow = { id, at, workspace: entry.workspace, actor: entry.actor, kind: entry.kind, data: JSON.parse(text) as Record<string, unknown> };
    this.work.notify({ kind: "audit", workspace: row.workspace, audit: row });
    return row;
  }

  /** Newest first. */
  async recentAudit(limit = 100, workspace?: string): Promise<AuditRow[]> {
    const rows = await this.ctx.q
      .selectFrom("audit")
      .selectAll()
      .$if(workspace !== undefined, (qb) => qb.where("workspace", "=", workspace!))
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toAudit);
  }

  /** True when the database answers a query. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const r = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(this.db);
      return r.rows.length === 1;
    } catch {
      return false;
    }
  }

  /** Closes the connection (or the pool) and the checkpoint thread. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.checkpointer?.close();
    await this.db.destroy();
    // Kysely closes the SQLite handle only if it ever used it.
    if (this.sqlite?.open) this.sqlite.close();
  }
}
