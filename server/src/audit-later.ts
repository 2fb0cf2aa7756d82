import type { Logger } from "./logger";
import type { AuditEntry, Store } from "./store/store";

/**
 * Audit rows that nothing waits for (a join, a leave, a refusal, a tool run): written one after
 * another per store, in the order they were asked for, while the caller goes on at once. A write
 * that fails is logged and never becomes an unhandled rejection. `auditsWritten` lets shutdown
 * (and tests) wait until every row asked for so far is in the database.
 */

const chains = new WeakMap<Store, Promise<void>>();

type ErrorLog = Pick<Logger, "error">;

export function auditLater(store: Store, entry: AuditEntry, log?: ErrorLog): void {
  const before = chains.get(store) ?? Promise.resolve();
  const next = before.then(() =>
    store.audit(entry).then(
      () => undefined,
      (err: unknown) => {
        if (log) log.error({ err, workspace: entry.workspace, kind: entry.kind }, "could not write an audit row");
        else process.emitWarning(`could not write an audit row (${entry.kind}): ${err instanceof Error ? err.message : String(err)}`, "AtriumStoreWarning");
      },
    ),
  );
  chains.set(store, next);
}

/** Resolves once every audit row asked for so far (auditLater) is written or given up on. */
export function auditsWritten(store: Store): Promise<void> {
  return chains.get(store) ?? Promise.resolve();
}
