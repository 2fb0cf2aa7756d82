import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { postgresMigrations } from "./migrations-pg";
import type { AtriumDb, Db } from "./schema";

/** Connections in the pool to PostgreSQL. Default 10 (pg's own default). */
export const POSTGRES_POOL_MAX = 10;
/** How long to wait for a connection from PostgreSQL before the query fails (ms). Default 10,000. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;
/**
 * The key of the advisory lock the migrations run under: two processes that start at once on a
 * fresh database take turns, and the second finds the work done. Any fixed number; this one is
 * "atrium" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x61747269756d;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/**
 * bigint (ids, count(*), sum of integers) and numeric come back as JavaScript numbers, as they do
 * from SQLite, instead of pg's strings. Atrium's ids and counts stay far below 2^53.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Connects to PostgreSQL (a pool) and brings the schema up to date (migrations-pg.ts, recorded in
 * atrium_migrations), under an advisory lock. Returns the Kysely instance and the schema version.
 */
export async function openPostgres(url: string): Promise<{ db: Db; schemaVersion: number }> {
  const pool = new pg.Pool({ connectionString: url, max: POSTGRES_POOL_MAX, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS, types });
  // An idle connection the server dropped (restart, network) must not crash the process; the pool replaces it.
  pool.on("error", (err) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`, "AtriumStoreWarning"));
  const db = new Kysely<AtriumDb>({ dialect: new PostgresDialect({ pool }) });
  try {
    const schemaVersion = await migrate(db);
    return { db, schemaVersion };
  } catch (err) {
    await db.destroy();
    if (err instanceof NewerSchemaError) throw err;
    throw new Error(`could not open the PostgreSQL database ${redact(url)}: ${(err as Error).message || String(err)}`, { cause: err });
  }
}

/** The URL with its password hidden, for errors and logs. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

class NewerSchemaError extends Error {}

async function migrate(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Held until this transaction ends: a second process starting at the same moment waits here.
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS atrium_migrations (
                version    integer PRIMARY KEY,
                applied_at text NOT NULL
              )`.execute(trx);
    const row = await sql<{ version: number | null }>`SELECT max(version) AS version FROM atrium_migrations`.execute(trx);
    const applied = row.rows[0]?.version ?? 0;
    if (applied > postgresMigrations.length) {
      throw new NewerSchemaError(`database schema version ${applied} is newer than this server knows (${postgresMigrations.length}); upgrade Atrium`);
    }
    for (let v = applied; v < postgresMigrations.length; v++) {
      await sql.raw(postgresMigrations[v]!).execute(trx);
      await sql`INSERT INTO atrium_migrations (version, applied_at) VALUES (${v + 1}, ${new Date().toISOString()})`.execute(trx);
    }
    return postgresMigrations.length;
  });
}
