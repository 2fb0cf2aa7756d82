import type { AtriumDb, Db } from "../store/schema";

/** Rows in a table, as a number on both dialects (PostgreSQL's count is a bigint, read as text). Test code only. */
export async function countRows(db: Db, table: keyof AtriumDb): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
