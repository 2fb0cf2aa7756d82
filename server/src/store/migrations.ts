/**
 * Schema migrations, applied in order. The database's `user_version` pragma records how many
 * have run. Never edit a migration that has shipped; append a new one.
 */
export const migrations: readonly string[] = [
  // 1: the audit trail. Every join, leave and (later) every LLM call and tool run lands here.
  `CREATE TABLE audit (
     id        INTEGER PRIMARY KEY AUTOINCREMENT,
     at        TEXT    NOT NULL,
     workspace TEXT    NOT NULL,
     actor     TEXT    NOT NULL,
     kind      TEXT    NOT NULL,
     data      TEXT    NOT NULL DEFAULT '{}'
   );
   CREATE INDEX audit_workspace_at ON audit (workspace, at);
   CREATE INDEX audit_kind ON audit (kind);`,
];
