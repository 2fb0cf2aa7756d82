import { Router, type Application, type Request, type Response } from "express";
import { z } from "zod";
import { TASK_STATUSES } from "../../../shared/agents";
import { DEFAULT_WORKSPACE } from "../../../shared/constants";
import { taskIdSchema, workspaceIdSchema } from "../../../shared/protocol/schemas";
import type { Store } from "../store/store";
import { TASK_LIST_LIMIT } from "../store/work-store";
import { describeIssues } from "../world/load-world";

/** Audit rows GET /api/audit returns when no limit is given, and the most it returns. */
export const AUDIT_PAGE_DEFAULT = 100; // default 100
export const AUDIT_PAGE_MAX = 1000; // default 1000
/** Longest file name (before the extension) of a downloaded artifact. */
export const DOWNLOAD_NAME_MAX = 80; // default 80

const workspace = workspaceIdSchema.default(DEFAULT_WORKSPACE);
const flag = z.enum(["1", "0", "true", "false"], { message: 'must be 1 or 0 (or true or false)' }).transform((v) => v === "1" || v === "true");
const limit = (max: number, fallback: number) =>
  z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`).default(fallback);
/** "todo,doing" or status=todo&status=doing. */
const statuses = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(TASK_STATUSES, { message: `must be one or more of ${TASK_STATUSES.join(", ")}, comma-separated` })).min(1, "name at least one status"));

const taskListQuery = z.strictObject({
  workspace,
  status: statuses.optional(),
  assignee: z.string().trim().min(1, "must not be empty").max(64).optional(),
  district: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a district id").optional(),
  limit: limit(TASK_LIST_LIMIT, TASK_LIST_LIMIT),
});
const byIdQuery = z.strictObject({ workspace: workspaceIdSchema.optional() });
const artifactQuery = z.strictObject({ workspace: workspaceIdSchema.optional(), download: flag.optional() });
const auditQuery = z.strictObject({
  workspace,
  since: z.iso.datetime({ offset: true, message: "must be an ISO-8601 time like 2025-01-31T09:00:00Z" }).optional(),
  limit: limit(AUDIT_PAGE_MAX, AUDIT_PAGE_DEFAULT),
});
const exportQuery = z.strictObject({ workspace, download: flag.optional() });

/**
 * Parses `input` with `schema`; on failure answers 400 with one readable sentence and returns
 * null. Query strings are parsed the simple way, so a repeated parameter arrives as an array.
 */
function parse<S extends z.ZodType>(res: Response, what: string, schema: S, input: unknown): z.output<S> | null {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => (i.code === "unrecognized_keys" ? `unknown query parameter${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}` : describeIssues(new z.ZodError([i]))[0]!));
  res.status(400).json({ error: `bad ${what}: ${issues.join("; ")}` });
  return null;
}

function notFound(res: Response, message: string): void {
  res.status(404).json({ error: message });
}

/** A file name safe in any file system and header: letters, digits, dot, dash, underscore. */
export function downloadName(title: string, ext: "md" | "json"): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, DOWNLOAD_NAME_MAX)
    .replace(/[-.]+$/g, "");
  return `${base || "artifact"}.${ext}`;
}

/**
 * The read-only REST API over a workspace's work (docs/API.md): tasks, a task's history and
 * artifacts, artifact bodies (raw, or as a download), the audit trail and the whole workspace
 * as JSON. Query parameters are checked with zod: bad input answers 400 `{ error }`, an
 * unknown id 404 `{ error }`.
 */
export function mountWorkApi(app: Application, store: Store): void {
  const api = Router();

  api.get("/tasks", async (req: Request, res: Response) => {
    const q = parse(res, "query", taskListQuery, req.query);
    if (!q) return;
    const tasks = await store.work.listTasks(q.workspace, { status: q.status, assignee: q.assignee, district: q.district, limit: q.limit });
    res.json({ workspace: q.workspace, tasks });
  });

  api.get("/tasks/:id", async (req: Request, res: Response) => {
    const q = parse(res, "query", byIdQuery, req.query);
    const id = q && parse(res, "task id", taskIdSchema, req.params.id);
    if (!q || id === null) return;
    const task = await store.work.getTask(id);
    if (!task || (q.workspace !== undefined && task.workspace !== q.workspace)) return notFound(res, `there is no task "${id}"${q.workspace ? ` in workspace "${q.workspace}"` : ""}`);
    const [events, artifacts] = await Promise.all([store.work.taskEvents(id), store.queries.artifactsOfTask(id)]);
    res.json({ task, events, artifacts });
  });

  api.get("/artifacts/:id", async (req: Request, res: Response) => {
    const q = parse(res, "query", artifactQuery, req.query);
    const id = q && parse(res, "artifact id", taskIdSchema, req.params.id);
    if (!q || id === null) return;
    const artifact = await store.queries.artifact(id);
    if (!artifact || (q.workspace !== undefined && artifact.workspace !== q.workspace)) return notFound(res, `there is no artifact "${id}"${q.workspace ? ` in workspace "${q.workspace}"` : ""}`);
    const markdown = artifact.kind === "markdown";
    res.setHeader("Content-Type", markdown ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8");
    // Agents and people wrote this: never let a browser run or sniff it.
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    if (q.download) res.setHeader("Content-Disposition", `attachment; filename="${downloadName(artifact.title, markdown ? "md" : "json")}"`);
    res.send(artifact.body);
  });

  api.get("/audit", async (req: Request, res: Response) => {
    const q = parse(res, "query", auditQuery, req.query);
    if (!q) return;
    const since = q.since === undefined ? null : new Date(q.since).toISOString();
    res.json({ workspace: q.workspace, since, audit: await store.queries.audit(q.workspace, since, q.limit) });
  });

  api.get("/export", async (req: Request, res: Response) => {
    const q = parse(res, "query", exportQuery, req.query);
    if (!q) return;
    const data = await store.queries.exportWorkspace(q.workspace);
    if (q.download) res.setHeader("Content-Disposition", `attachment; filename="atrium-${q.workspace}-${data.exportedAt.slice(0, 10)}.json"`);
    res.json(data);
  });

  app.use("/api", api);
}
