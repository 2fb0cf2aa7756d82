import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { migrations } from "./migrations";
import { WalCheckpointer } from "./wal-checkpointer";
import { WorkQueries } from "./work-queries";
import { WorkStore } from "./work-store";
import { MessageStore } from "./message-store";
import { LlmCallStore } from "./llm-call-store";

export { WorkStore } from "./work-store";
export { MessageStore, MESSAGE_LIST_LIMIT, CONVERSATION_CACHE } from "./message-store";
export { LlmCallStore, LLM_CALL_LIST_LIMIT } from "./llm-call-store";
export { WorkQueries, type BoardTask, type WorkspaceExport } from "./work-queries";
export * from "./work-types";

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

/**
 * The persistence layer. SQLite in WAL mode by default; the file is created with its folder.
 * Writes are synchronous (better-sqlite3), small and prepared once.
 */
export class Store {
  readonly db: Database.Database;
  private readonly insertAudit: Database.Statement;
  /** Tasks, task events and artifacts. */
  readonly work: WorkStore;
  /** What people and agents said to each other. */
  readonly messages: MessageStore;
  /** Every LLM call, with its request and response. */
  readonly llm: LlmCallStore;
  /** Read-only views over the work: boards, walls, the activity feed, the REST API, the export. */
  readonly queries: WorkQueries;
  private checkpointer: WalCheckpointer | null = null;

  constructor(file: string) {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      // busy_timeout first: with REDIS_URL several processes open one file at once (docs/DEPLOYMENT.md).
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      this.migrate();
      this.insertAudit = this.db.prepare(
        "INSERT INTO audit (at, workspace, actor, kind, data) VALUES (?, ?, ?, ?, ?)",
      );
      this.work = new WorkStore(this.db);
      this.messages = new MessageStore(this.db);
      this.llm = new LlmCallStore(this.db);
      this.queries = new WorkQueries(this.db);
      // Checkpoints on a thread of their own, never inside a commit on the event loop (wal-checkpointer.ts).
      if (file !== ":memory:") this.checkpointer = new WalCheckpointer(this.db, file, (message) => process.emitWarning(message, "AtriumStoreWarning"));
    } catch (err) {
      // A refused or broken database must not stay open (and locked) behind the error.
      this.db.close();
      throw err;
    }
  }

  /** The number of migrations applied. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  private migrate(): void {
    // Under the write lock, so a second process that opens the file at the same moment waits and then sees the new version.
    this.db.transaction(() => this.migrateLocked()).immediate();
  }

  private migrateLocked(): void {
    const applied = this.schemaVersion;
    if (applied > migrations.length) {
      throw new Error(
        `database schema version ${applied} is newer than this server knows (${migrations.length}); upgrade Atrium`,
      );
    }
    for (let v = applied; v < migrations.length; v++) {
      this.db.exec(migrations[v]!);
      this.db.pragma(`user_version = ${v + 1}`);
    }
  }

  /** Writes one audit row and tells the work listeners (a "audit" WorkChange). Returns the row. */
  audit(entry: AuditEntry): AuditRow {
    const at = new Date().toISOString();
    const text = JSON.stringify(entry.data ?? {});
    const id = Number(this.insertAudit.run(at, entry.workspace, entry.actor, entry.kind, text).lastInsertRowid);
    const row: AuditRow = { id, at, workspace: entry.workspace, actor: entry.actor, kind: entry.kind, data: JSON.parse(text) as Record<string, unknown> };
    this.work.notify({ kind: "audit", workspace: row.workspace, audit: row });
    return row;
  }

  /** Newest first. */
  recentAudit(limit = 100, workspace?: string): AuditRow[] {
    const rows = (
      workspace === undefined
        ? this.db.prepare("SELECT * FROM audit ORDER BY id DESC LIMIT ?").all(limit)
        : this.db.prepare("SELECT * FROM audit WHERE workspace = ? ORDER BY id DESC LIMIT ?").all(workspace, limit)
    ) as Array<Omit<AuditRow, "data"> & { data: string }>;
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** True when the database answers a query. */
  ping(): boolean {
    try {
      return this.db.prepare("SELECT 1 AS ok").get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}
