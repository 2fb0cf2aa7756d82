import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from "kysely";
import { migrations } from "./migrations";
import type { AtriumDb, Db } from "./schema";

/**
 * Statements kept prepared per SQLite connection, by their SQL text. Kysely asks the driver to
 * prepare every query it runs; the same few dozen queries run again and again, so parsing them
 * once saves SQLite's compile step on every call. Default 256 (far more than the store's queries).
 */
export const SQLITE_STATEMENT_CACHE = 256;

/**
 * Opens (or creates, with its folder) a SQLite file in WAL mode and brings its schema up to date
 * (migrations.ts; `user_version` records how many have run). Returns the raw handle, for the
 * store's SQLite-only parts (the WAL checkpointer), and the Kysely instance over it.
 */
export function openSqlite(file: string): { sqlite: Database.Database; db: Db; schemaVersion: number } {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    // busy_timeout first: with REDIS_URL several processes open one file at once (docs/DEPLOYMENT.md).
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    // Under the write lock, so a second process that opens the file at the same moment waits and then sees the new version.
    sqlite.transaction(() => migrateLocked(sqlite)).immediate();
    const schemaVersion = sqlite.pragma("user_version", { simple: true }) as number;
    const db = new Kysely<AtriumDb>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(sqlite) }) });
    return { sqlite, db, schemaVersion };
  } catch (err) {
    // A refused or broken database must not stay open (and locked) behind the error.
    sqlite.close();
    throw err;
  }
}

function migrateLocked(sqlite: Database.Database): void {
  const applied = sqlite.pragma("user_version", { simple: true }) as number;
  if (applied > migrations.length) {
    throw new Error(`database schema version ${applied} is newer than this server knows (${migrations.length}); upgrade Atrium`);
  }
  for (let v = applied; v < migrations.length; v++) {
    sqlite.exec(migrations[v]!);
    sqlite.pragma(`user_version = ${v + 1}`);
  }
}

/**
 * Kysely's SQLite dialect, but a transaction starts with BEGIN IMMEDIATE: it takes the write lock
 * at once (waiting busy_timeout for it), so a transaction that reads and then writes cannot fail
 * half-way with SQLITE_BUSY when another process (several servers on one file) wrote in between.
 * Every transaction the store opens writes.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** The connection as Kysely's SQLite driver sees it, with prepared statements reused (SQLITE_STATEMENT_CACHE). */
function cachingStatements(sqlite: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => {
      statements.clear();
      if (sqlite.open) sqlite.close();
    },
    prepare: (sql: string): SqliteStatement => {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last: the first entry is the one to drop when the cache is full.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= SQLITE_STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}
