import type Database from "better-sqlite3";
import { toArtifact, toEvent, toLlmCall, toMessage, toTask, type Row, type TaskRow } from "./work-rows";
import type { Artifact, ArtifactMeta, AuditRecord, LlmCall, Message, Task, TaskEvent } from "./work-types";

/** A task as a board shows it: plus whether it stands escalated and how many artifacts it has. */
export interface BoardTask extends Task {
  /** An "escalated" event with no status change since. */
  escalated: boolean;
  artifacts: number;
}

/** Task event kinds that make the activity feed (notes stay in the task's history only). */
export const FEED_EVENT_KINDS = ["created", "status", "assigned", "handoff", "artifact", "approval-asked", "approval", "escalated"] as const;
/** Audit kinds that make the feed when they concern no task (with a task, its events do). */
export const FEED_AUDIT_KINDS = ["ask-human", "answer", "escalation"] as const;

/** Everything of one workspace, as GET /api/export returns it. */
export interface WorkspaceExport {
  workspace: string;
  exportedAt: string;
  tasks: Array<Task & { events: TaskEvent[] }>;
  artifacts: Artifact[];
  messages: Message[];
  audit: AuditRecord[];
  llmCalls: LlmCall[];
}

const BOARD_FACTS = `
  (SELECT COUNT(*) FROM artifacts a WHERE a.task_id = t.id) AS artifact_count,
  COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'escalated'), 0)
    > COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'status'), 0) AS escalated`;
const META_COLUMNS = "id, workspace, task_id, title, kind, created_by, created_at";

type BoardRow = TaskRow & { artifact_count: number; escalated: number };

function toBoardTask(r: BoardRow): BoardTask {
  return { ...toTask(r), escalated: r.escalated === 1, artifacts: r.artifact_count };
}

function toMeta(r: Row): ArtifactMeta {
  const { body: _body, ...meta } = toArtifact({ ...r, body: "" });
  return meta;
}

function toAudit(r: Row): AuditRecord {
  return {
    id: r.id as number,
    at: r.at as string,
    workspace: r.workspace as string,
    actor: r.actor as string,
    kind: r.kind as string,
    data: JSON.parse(r.data as string) as Record<string, unknown>,
  };
}

/**
 * Read-only queries over the work for the room mirror (boards, walls, the activity feed), the
 * REST API and the export. Statements are prepared once. Nothing here writes.
 */
export class WorkQueries {
  private readonly s;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    const feedEventKinds = FEED_EVENT_KINDS.map((k) => `'${k}'`).join(", ");
    const feedAuditKinds = FEED_AUDIT_KINDS.map((k) => `'${k}'`).join(", ");
    this.s = {
      openBoardTasks: p(`SELECT t.*, ${BOARD_FACTS} FROM tasks t WHERE t.workspace = ? AND t.status != 'done' ORDER BY t.created_at, t.rowid`),
      doneBoardTasks: p(`SELECT * FROM (
                           SELECT t.*, ${BOARD_FACTS},
                                  ROW_NUMBER() OVER (PARTITION BY t.district ORDER BY t.updated_at DESC, t.rowid DESC) AS rn
                           FROM tasks t WHERE t.workspace = @workspace AND t.status = 'done')
                         WHERE rn <= @limit ORDER BY updated_at DESC`),
      doneOfDistrict: p(`SELECT t.*, ${BOARD_FACTS} FROM tasks t
                         WHERE t.workspace = @workspace AND t.status = 'done' AND t.district IS @district
                         ORDER BY t.updated_at DESC, t.rowid DESC LIMIT @limit`),
      boardTask: p(`SELECT t.*, ${BOARD_FACTS} FROM tasks t WHERE t.id = ?`),
      wallArtifacts: p(`SELECT a.id, a.workspace, a.task_id, a.title, a.kind, a.created_by, a.created_at, t.district AS task_district
                        FROM artifacts a LEFT JOIN tasks t ON t.id = a.task_id
                        WHERE a.workspace = ? ORDER BY a.created_at DESC, a.rowid DESC`),
      artifact: p("SELECT * FROM artifacts WHERE id = ?"),
      artifactMetaOfTask: p(`SELECT ${META_COLUMNS} FROM artifacts WHERE task_id = ? ORDER BY created_at, rowid`),
      feedEvents: p(`SELECT e.* FROM task_events e JOIN tasks t ON t.id = e.task_id
                     WHERE t.workspace = ? AND e.kind IN (${feedEventKinds}) ORDER BY e.id DESC LIMIT ?`),
      untaskedArtifacts: p(`SELECT ${META_COLUMNS} FROM artifacts WHERE workspace = ? AND task_id IS NULL
                            ORDER BY created_at DESC, rowid DESC LIMIT ?`),
      feedAudit: p(`SELECT * FROM audit WHERE workspace = ? AND kind IN (${feedAuditKinds})
                    AND json_type(data, '$.taskId') = 'null'
                    ORDER BY id DESC LIMIT ?`),
      resumable: p(`SELECT t.* FROM tasks t WHERE t.workspace = ? AND t.assignee_kind = 'agent' AND (
                      t.status IN ('todo', 'doing')
                      OR (t.status = 'review' AND
                          COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind IN ('handoff', 'assigned')), 0)
                          > COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'status'), 0)))
                    ORDER BY t.updated_at, t.rowid`),
      tasksById: p("SELECT * FROM tasks WHERE id IN (SELECT value FROM json_each(?))"),
      auditNewest: p("SELECT * FROM (SELECT * FROM audit WHERE workspace = ? ORDER BY id DESC LIMIT ?) ORDER BY id"),
      auditSince: p("SELECT * FROM audit WHERE workspace = ? AND at >= ? ORDER BY at, id LIMIT ?"),
      exportTasks: p("SELECT * FROM tasks WHERE workspace = ? ORDER BY created_at, rowid"),
      exportEvents: p("SELECT e.* FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.workspace = ? ORDER BY e.id"),
      exportArtifacts: p("SELECT * FROM artifacts WHERE workspace = ? ORDER BY created_at, rowid"),
      exportMessages: p("SELECT * FROM messages WHERE workspace = ? ORDER BY id"),
      exportAudit: p("SELECT * FROM audit WHERE workspace = ? ORDER BY id"),
      exportLlmCalls: p("SELECT * FROM llm_calls WHERE workspace = ? ORDER BY id"),
    };
  }

  // ── boards and walls ───────────────────────────────────────────────────────────────────────

  /** Every open task of a workspace, plus the `doneLimit` most recently finished ones per district. */
  boardTasks(workspace: string, doneLimit: number): BoardTask[] {
    const open = (this.s.openBoardTasks.all(workspace) as BoardRow[]).map(toBoardTask);
    const done = (this.s.doneBoardTasks.all({ workspace, limit: doneLimit }) as BoardRow[]).map(toBoardTask);
    return [...open, ...done];
  }

  /** The `limit` most recently finished tasks on one district's board (null: tasks with no district). */
  doneTasks(workspace: string, district: string | null, limit: number): BoardTask[] {
    return (this.s.doneOfDistrict.all({ workspace, district, limit }) as BoardRow[]).map(toBoardTask);
  }

  /** One task with its board facts, or null. */
  boardTask(id: string): BoardTask | null {
    const row = this.s.boardTask.get(id) as BoardRow | undefined;
    return row ? toBoardTask(row) : null;
  }

  /**
   * The newest `perWall` artifacts of each wall, newest first; `wallOf` says which wall an
   * artifact hangs on (given its task's district, if any). Reads metadata only and stops once
   * every wall in `walls` is full.
   */
  wallArtifacts(
    workspace: string,
    walls: readonly string[],
    perWall: number,
    wallOf: (a: ArtifactMeta, taskDistrict: string | null) => string,
  ): ArtifactMeta[] {
    const counts = new Map<string, number>(walls.map((w) => [w, 0]));
    let full = 0;
    const out: ArtifactMeta[] = [];
    for (const row of this.s.wallArtifacts.iterate(workspace) as IterableIterator<Row>) {
      const { task_district, ...rest } = row;
      const meta = toMeta(rest);
      const wall = wallOf(meta, (task_district as string | null) ?? null);
      const n = counts.get(wall);
      if (n === undefined || n >= perWall) continue;
      out.push(meta);
      counts.set(wall, n + 1);
      if (n + 1 === perWall && ++full === counts.size) break;
    }
    return out;
  }

  /** An artifact with its body, or null. */
  artifact(id: string): Artifact | null {
    const row = this.s.artifact.get(id) as Row | undefined;
    return row ? toArtifact(row) : null;
  }

  /** A task's artifacts without their bodies, oldest first. */
  artifactsOfTask(taskId: string): ArtifactMeta[] {
    return (this.s.artifactMetaOfTask.all(taskId) as Row[]).map(toMeta);
  }

  // ── the activity feed ──────────────────────────────────────────────────────────────────────

  /**
   * What the activity feed is rebuilt from, each part newest first and at most `limit` long:
   * task events of the feed's kinds (with their tasks), artifacts that belong to no task, and
   * audit rows of questions, answers and escalations that concern no task.
   */
  feedSources(workspace: string, limit: number): { events: TaskEvent[]; tasks: Map<string, Task>; artifacts: ArtifactMeta[]; audit: AuditRecord[] } {
    const events = (this.s.feedEvents.all(workspace, limit) as Row[]).map(toEvent);
    const ids = [...new Set(events.map((e) => e.taskId))];
    const tasks = new Map((this.s.tasksById.all(JSON.stringify(ids)) as TaskRow[]).map((r) => [r.id, toTask(r)]));
    const artifacts = (this.s.untaskedArtifacts.all(workspace, limit) as Row[]).map(toMeta);
    const audit = (this.s.feedAudit.all(workspace, limit) as Row[]).map(toAudit);
    return { events, tasks, artifacts, audit };
  }

  /**
   * Tasks an agent should pick up again after a restart: assigned to an agent and todo or
   * doing, or in review but handed or assigned to it after the last status change (it never
   * started on them). Oldest change first.
   */
  resumableTasks(workspace: string): Task[] {
    return (this.s.resumable.all(workspace) as TaskRow[]).map(toTask);
  }

  // ── audit and export ───────────────────────────────────────────────────────────────────────

  /**
   * Audit rows of a workspace, oldest first: from `since` (an ISO time, inclusive) the first
   * `limit`; without it, the newest `limit`.
   */
  audit(workspace: string, since: string | null, limit: number): AuditRecord[] {
    const rows = (since === null ? this.s.auditNewest.all(workspace, limit) : this.s.auditSince.all(workspace, since, limit)) as Row[];
    return rows.map(toAudit);
  }

  /** The whole workspace: tasks with their events, artifacts with bodies, messages, audit, LLM calls. */
  exportWorkspace(workspace: string): WorkspaceExport {
    const events = new Map<string, TaskEvent[]>();
    for (const e of (this.s.exportEvents.all(workspace) as Row[]).map(toEvent)) {
      const list = events.get(e.taskId);
      if (list) list.push(e);
      else events.set(e.taskId, [e]);
    }
    return {
      workspace,
      exportedAt: new Date().toISOString(),
      tasks: (this.s.exportTasks.all(workspace) as TaskRow[]).map((r) => ({ ...toTask(r), events: events.get(r.id) ?? [] })),
      artifacts: (this.s.exportArtifacts.all(workspace) as Row[]).map(toArtifact),
      messages: (this.s.exportMessages.all(workspace) as Row[]).map(toMessage),
      audit: (this.s.exportAudit.all(workspace) as Row[]).map(toAudit),
      llmCalls: (this.s.exportLlmCalls.all(workspace) as Row[]).map(toLlmCall),
    };
  }
}
