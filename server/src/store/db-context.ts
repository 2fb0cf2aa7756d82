import { AsyncLocalStorage } from "node:async_hooks";
import { sql, type Kysely, type Transaction } from "kysely";
import type { AtriumDb, Db, Dialect } from "./schema";

/** One open transaction of one async flow: its executor, what to do once it commits, its savepoints. */
interface Frame {
  trx: Transaction<AtriumDb>;
  afterCommit: Array<() => void>;
  savepoints: number;
  /** Set once the transaction has ended: a late query of this flow goes to the database again. */
  done: boolean;
}

/**
 * The store modules' shared view of the database: `q` is the executor a query should use now (the
 * transaction this async flow has open, else the database), `transaction` opens one (a savepoint
 * when one is already open) and `afterCommit` defers work until the outermost one has committed.
 *
 * Why the flow's own transaction matters: on SQLite there is one connection and Kysely hands it
 * to one user at a time, so a query sent to the database while this flow holds it in a
 * transaction would wait for ever; on PostgreSQL it would run on another connection, outside
 * the transaction. Writes inside one transaction must be awaited one after another (no
 * Promise.all of writes): their savepoints nest.
 */
export class DbContext {
  private readonly frames = new AsyncLocalStorage<Frame>();

  constructor(
    readonly db: Db,
    readonly dialect: Dialect,
  ) {}

  /** Where a query of this async flow goes: its open transaction, else the database. */
  get q(): Kysely<AtriumDb> {
    const frame = this.frames.getStore();
    return frame && !frame.done ? frame.trx : this.db;
  }

  /** True while this async flow has a transaction open. */
  get inTransaction(): boolean {
    const frame = this.frames.getStore();
    return frame !== undefined && !frame.done;
  }

  /** Runs `fn` once the open transaction commits (never if it rolls back), or now when none is open. */
  afterCommit(fn: () => void): void {
    const frame = this.frames.getStore();
    if (frame && !frame.done) frame.afterCommit.push(fn);
    else fn();
  }

  /**
   * Runs `fn` in a transaction and resolves with its result after the commit and the afterCommit
   * work; a throw rolls everything back and rejects. Nested in an open transaction it runs in a
   * savepoint: a throw rolls back only its part (and drops its afterCommit work).
   */
  async transaction<T>(fn: (q: Kysely<AtriumDb>) => Promise<T>): Promise<T> {
    const open = this.frames.getStore();
    if (open && !open.done) return this.savepoint(open, fn);
    const frame: Frame = { trx: undefined as unknown as Transaction<AtriumDb>, afterCommit: [], savepoints: 0, done: false };
    let result: T;
    try {
      result = await this.db.transaction().execute((trx) => {
        frame.trx = trx;
        return this.frames.run(frame, () => fn(trx));
      });
    } finally {
      frame.done = true;
    }
    for (const after of frame.afterCommit) after();
    return result;
  }

  private async savepoint<T>(frame: Frame, fn: (q: Kysely<AtriumDb>) => Promise<T>): Promise<T> {
    const name = `atrium_sp${++frame.savepoints}`;
    const mark = frame.afterCommit.length;
    await sql.raw(`SAVEPOINT ${name}`).execute(frame.trx);
    try {
      const result = await fn(frame.trx);
      await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(frame.trx);
      return result;
    } catch (err) {
      frame.afterCommit.length = mark;
      await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(frame.trx);
      await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(frame.trx);
      throw err;
    }
  }
}
