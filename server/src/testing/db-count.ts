import { auditsWritten } from "../audit-later";
import type { AtriumDb, Db } from "../store/schema";
import type { AuditRow, Store } from "../store/store";

/** Rows in a table, as a number on both dialects (PostgreSQL's count is a bigint, read as text). Test code only. */
export async function countRows(db: Db, table: keyof AtriumDb): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The newest audit rows (Store.recentAudit) once every row asked for through auditLater is written. Test code only. */
export async function writtenAudit(store: Store, limit?: number, workspace?: string): Promise<AuditRow[]> {
  await auditsWritten(store);
  return store.recentAudit(limit, workspace);
}
