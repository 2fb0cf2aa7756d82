import { sql, type Expression, type SqlBool } from "kysely";
import type { DbContext } from "./db-context";
import { toArtifact, toAudit, toEvent, toLlmCall, toMessage, toTask, type Row } from "./work-rows";
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
/** Artifact rows a wall read fetches at a time, until every wall is full. Default 200. */
export const WALL_PAGE = 200;

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

/** How many artifacts a task (aliased t) has, and whether an escalation stands: integers on both dialects. */
const BOARD_FACTS = [
  sql<number>`(SELECT COUNT(*) FROM artifacts a WHERE a.task_id = t.id)`.as("artifact_count"),
  sql<number>`CASE WHEN COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'escalated'), 0)
    > COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'status'), 0) THEN 1 ELSE 0 END`.as("escalated"),
] as const;
const META_COLUMNS = ["id", "workspace", "task_id", "title", "kind", "created_by", "created_at"] as const;
/** Tasks an agent should pick up again (see resumableTasks), over tasks aliased t. */
const RESUMABLE = sql<SqlBool>`(t.status IN ('todo', 'doing') OR (t.status = 'review' AND
  COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind IN ('handoff', 'assigned')), 0)
  > COALESCE((SELECT MAX(e.id) FROM task_events e WHERE e.task_id = t.id AND e.kind = 'status'), 0)))`;

function toBoardTask(r: Row): BoardTask {
  return { ...toTask(r as Parameters<typeof toTask>[0]), escalated: Number(r.escalated) === 1, artifacts: Number(r.artifact_count) };
}

function toMeta(r: Row): ArtifactMeta {
  const { body: _body, ...meta } = toArtifact({ ...r, body: "" });
  return meta;
}

/**
 * Read-only queries over the work for the room mirror (boards, walls, the activity feed), the
 * REST API and the export, on either dialect. Nothing here writes.
 */
export class WorkQueries {
  constructor(private readonly ctx: DbContext) {}

  /** An audit row's data has a taskId that is JSON null (SQLite's json_type, PostgreSQL's jsonb_typeof). */
  private taskIdIsNull(): Expression<SqlBool> {
    return this.ctx.dialect === "postgres" ? sql<SqlBool>`jsonb_typeof(data::jsonb -> 'taskId') = 'null'` : sql<SqlBool>`json_type(data, '$.taskId') = 'null'`;
  }

  private boardTasksOf() {
    return this.ctx.q.selectFrom("tasks as t").selectAll("t").select(BOARD_FACTS);
  }

  // ── boards and walls ───────────────────────────────────────────────────────────────────────

  /** Every open task of a workspace, plus the `doneLimit` most recently finished ones per district. */
  async boardTasks(workspace: string, doneLimit: number): Promise<BoardTask[]> {
    const open = await this.boardTasksOf().where("t.workspace", "=", workspace).where("t.status", "!=", "done").orderBy("t.created_at").orderBy("t.id").execute();
    const ranked = this.boardTasksOf()
      .select(sql<number>`ROW_NUMBER() OVER (PARTITION BY t.district ORDER BY t.updated_at DESC, t.id DESC)`.as("rn"))
      .where("t.workspace", "=", workspace)
      .where("t.status", "=", "done");
    const done = await this.ctx.q.selectFrom(ranked.as("d")).selectAll().where("rn", "<=", doneLimit).orderBy("updated_at", "desc").orderBy("id", "desc").execute();
    return [...open.map(toBoardTask), ...done.map(toBoardTask)];
  }

  /** The `limit` most recently finished tasks on one district's board (null: tasks with no district). */
  async doneTasks(workspace: string, district: string | null, limit: number): Promise<BoardTask[]> {
    const rows = await this.boardTasksOf()
      .where("t.workspace", "=", workspace)
      .where("t.status", "=", "done")
      .where("t.district", district === null ? "is" : "=", district)
      .orderBy("t.updated_at", "desc")
      .orderBy("t.id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toBoardTask);
  }

  /** One task with its board facts, or null. */
  async boardTask(id: string): Promise<BoardTask | null> {
    const row = await this.boardTasksOf().where("t.id", "=", id).executeTakeFirst();
    return row ? toBoardTask(row) : null;
  }

  /**
   * The newest `perWall` artifacts of each wall, newest first; `wallOf` says which wall an
   * artifact hangs on (given its task's district, if any). Reads metadata only, a page at a time,
   * and stops once every wall in `walls` is full.
   */
  async wallArtifacts(
    workspace: string,
    walls: readonly string[],
    perWall: number,
    wallOf: (a: ArtifactMeta, taskDistrict: string | null) => string,
  ): Promise<ArtifactMeta[]> {
    const counts = new Map<string, number>(walls.map((w) => [w, 0]));
    let full = 0;
    const out: ArtifactMeta[] = [];
    for (let offset = 0; full < counts.size; offset += WALL_PAGE) {
      const page = await this.ctx.q
        .selectFrom("artifacts as a")
        .leftJoin("tasks as t", "t.id", "a.task_id")
        .select(["a.id", "a.workspace", "a.task_id", "a.title", "a.kind", "a.created_by", "a.created_at", "t.district as task_district"])
        .where("a.workspace", "=", workspace)
        .orderBy("a.created_at", "desc")
        .orderBy("a.id", "desc")
        .limit(WALL_PAGE)
        .offset(offset)
        .execute();
      for (const { task_district, ...rest } of page) {
        const meta = toMeta(rest);
        const wall = wallOf(meta, task_district ?? null);
        const n = counts.get(wall);
        if (n === undefined || n >= perWall) continue;
        out.push(meta);
        counts.set(wall, n + 1);
        if (n + 1 === perWall && ++full === counts.size) break;
      }
      if (page.length < WALL_PAGE) break;
    }
    return out;
  }

  /** An artifact with its body, or null. */
  async artifact(id: string): Promise<Artifact | null> {
    const row = await this.ctx.q.selectFrom("artifacts").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toArtifact(row) : null;
  }

  /** A task's artifacts without their bodies, oldest first. */
  async artifactsOfTask(taskId: string): Promise<ArtifactMeta[]> {
    const rows = await this.ctx.q.selectFrom("artifacts").select(META_COLUMNS).where("task_id", "=", taskId).orderBy("created_at").orderBy("id").execute();
    return rows.map(toMeta);
  }

  // ── the activity feed ──────────────────────────────────────────────────────────────────────

  /**
   * What the activity feed is rebuilt from, each part newest first and at most `limit` long:
   * task events of the feed's kinds (with their tasks), artifacts that belong to no task, and
   * audit rows of questions, answers and escalations that concern no task.
   */
  async feedSources(workspace: string, limit: number): Promise<{ events: TaskEvent[]; tasks: Map<string, Task>; artifacts: ArtifactMeta[]; audit: AuditRecord[] }> {
    const q = this.ctx.q;
    const events = (
      await q
        .selectFrom("task_events as e")
        .innerJoin("tasks as t", "t.id", "e.task_id")
        .selectAll("e")
        .where("t.workspace", "=", workspace)
        .where("e.kind", "in", FEED_EVENT_KINDS)
        .orderBy("e.id", "desc")
        .limit(limit)
        .execute()
    ).map(toEvent);
    const ids = [...new Set(events.map((e) => e.taskId))];
    const tasks = new Map(ids.length === 0 ? [] : (await q.selectFrom("tasks").selectAll().where("id", "in", ids).execute()).map((r) => [r.id, toTask(r)] as const));
    const artifacts = (
      await q.selectFrom("artifacts").select(META_COLUMNS).where("workspace", "=", workspace).where("task_id", "is", null).orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute()
    ).map(toMeta);
    const audit = (
      await q.selectFrom("audit").selectAll().where("workspace", "=", workspace).where("kind", "in", FEED_AUDIT_KINDS).where(this.taskIdIsNull()).orderBy("id", "desc").limit(limit).execute()
    ).map(toAudit);
    return { events, tasks, artifacts, audit };
  }

  /**
   * Tasks an agent should pick up again after a restart: assigned to an agent and todo or
   * doing, or in review but handed or assigned to it after the last status change (it never
   * started on them). Oldest change first.
   */
  async resumableTasks(workspace: string): Promise<Task[]> {
    const rows = await this.ctx.q
      .selectFrom("tasks as t")
      .selectAll("t")
      .where("t.workspace", "=", workspace)
      .where("t.assignee_kind", "=", "agent")
      .where(RESUMABLE)
      .orderBy("t.updated_at")
      .orderBy("t.id")
      .execute();
    return rows.map(toTask);
  }

  // ── audit and export ───────────────────────────────────────────────────────────────────────

  /**
   * Audit rows of a workspace, oldest first: from `since` (an ISO time, inclusive) the first
   * `limit`; without it, the newest `limit`.
   */
  async audit(workspace: string, since: string | null, limit: number): Promise<AuditRecord[]> {
    const q = this.ctx.q;
    if (since === null) {
      const newest = await q.selectFrom("audit").selectAll().where("workspace", "=", workspace).orderBy("id", "desc").limit(limit).execute();
      return newest.reverse().map(toAudit);
    }
    const rows = await q.selectFrom("audit").selectAll().where("workspace", "=", workspace).where("at", ">=", since).orderBy("at").orderBy("id").limit(limit).execute();
    return rows.map(toAudit);
  }

  /** The whole workspace: tasks with their events, artifacts with bodies, messages, audit, LLM calls. */
  async exportWorkspace(workspace: string): Promise<WorkspaceExport> {
    const q = this.ctx.q;
    const events = new Map<string, TaskEvent[]>();
    const eventRows = await q.selectFrom("task_events as e").innerJoin("tasks as t", "t.id", "e.task_id").selectAll("e").where("t.workspace", "=", workspace).orderBy("e.id").execute();
    for (const e of eventRows.map(toEvent)) {
      const list = events.get(e.taskId);
      if (list) list.push(e);
      else events.set(e.taskId, [e]);
    }
    const tasks = await q.selectFrom("tasks").selectAll().where("workspace", "=", workspace).orderBy("created_at").orderBy("id").execute();
    const artifacts = await q.selectFrom("artifacts").selectAll().where("workspace", "=", workspace).orderBy("created_at").orderBy("id").execute();
    const messages = await q.selectFrom("messages").selectAll().where("workspace", "=", workspace).orderBy("id").execute();
    const audit = await q.selectFrom("audit").selectAll().where("workspace", "=", workspace).orderBy("id").execute();
    const llmCalls = await q.selectFrom("llm_calls").selectAll().where("workspace", "=", workspace).orderBy("id").execute();
    return {
      workspace,
      exportedAt: new Date().toISOString(),
      tasks: tasks.map((r) => ({ ...toTask(r), events: events.get(r.id) ?? [] })),
      artifacts: artifacts.map(toArtifact),
      messages: messages.map(toMessage),
      audit: audit.map(toAudit),
      llmCalls: llmCalls.map(toLlmCall),
    };
  }
}
