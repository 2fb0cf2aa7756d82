import type { Application, Request, Response } from "express";
import { z } from "zod";
import type { Roster } from "../../../shared/agents";
import { DEFAULT_WORKSPACE } from "../../../shared/constants";
import { workspaceIdSchema } from "../../../shared/protocol/schemas";
import { OFFLINE_PLANNER_MODEL, type ReplayAgentInfo, type ReplayLlmCall } from "../../../shared/replay";
import type { World } from "../../../shared/world";
import { replayStoreOf } from "../replay/replay-store";
import { buildTimeline } from "../replay/timeline";
import type { Store } from "../store/store";

export interface ReplayApiDeps {
  store: Store;
  world: World;
  roster: Roster;
  /** Agents beside the roster's in a workspace (outside agents over MCP). */
  extraAgents?: (workspace: string) => Promise<ReplayAgentInfo[]>;
}

/** A moment: epoch milliseconds ("1767225600000") or an ISO-8601 time ("2026-01-01T00:00:00Z"). */
const moment = (name: string) =>
  z
    .string()
    .trim()
    .transform((text, ctx) => {
      const ms = /^\d{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: "custom", message: `${name} must be epoch milliseconds or an ISO-8601 time, got "${text.slice(0, 40)}"` });
        return z.NEVER;
      }
      return ms;
    });

export const replayQuerySchema = z
  .object({
    workspace: workspaceIdSchema.default(DEFAULT_WORKSPACE),
    from: moment("from").optional(),
    to: moment("to").optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: "from must not be after to" });

const llmCallIdSchema = z.string().regex(/^[1-9]\d{0,15}$/, "an LLM call id is a positive whole number").transform(Number);

function badRequest(res: Response, issues: z.core.$ZodIssue[]): void {
  const sentence = issues.map((i) => i.message).join("; ");
  res.status(400).json({ error: sentence });
}

/** One value per query parameter: "?from=1&from=2" is refused rather than guessed at. */
function singleValued(req: Request, res: Response): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (typeof value !== "string") {
      res.status(400).json({ error: `${key} must be given once, as plain text` });
      return null;
    }
    out[key] = value;
  }
  return out;
}

/**
 * The replay's HTTP API:
 *   GET /api/replay?workspace=&from=&to=   the timeline of a window (see shared/replay.ts)
 *   GET /api/llm-calls/:id                 the exact prompt and response of one call, and what it led to
 */
export function mountReplayApi(app: Application, deps: ReplayApiDeps): void {
  app.get("/api/replay", async (req, res) => {
    const query = singleValued(req, res);
    if (!query) return;
    const parsed = replayQuerySchema.safeParse(query);
    if (!parsed.success) return badRequest(res, parsed.error.issues);
    const { workspace, from, to } = parsed.data;
    const extraAgents = (await deps.extraAgents?.(workspace)) ?? [];
    const timeline = await buildTimeline(deps.store, deps.world, deps.roster, { workspace, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), extraAgents });
    if (!timeline) {
      res.status(404).json({ error: `nothing has been recorded in workspace "${workspace}" yet` });
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    res.json(timeline);
  });

  app.get("/api/llm-calls/:id", async (req, res) => {
    const id = llmCallIdSchema.safeParse(req.params.id);
    if (!id.success) return badRequest(res, id.error.issues);
    const replay = replayStoreOf(deps.store);
    const call = await replay.getLlmCall(id.data);
    if (!call) {
      res.status(404).json({ error: `there is no LLM call ${id.data}` });
      return;
    }
    const body: ReplayLlmCall = {
      id: call.id,
      at: Date.parse(call.at),
      workspace: call.workspace,
      agentId: call.agentId,
      model: call.model,
      offline: call.model === OFFLINE_PLANNER_MODEL,
      request: call.request,
      response: call.response,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens,
      costUsd: call.costUsd,
      latencyMs: call.latencyMs,
      ttftMs: call.ttftMs,
      outcome: call.outcome,
      error: call.error,
      produced: await replay.producedBy(call),
    };
    res.setHeader("Cache-Control", "no-store");
    res.json(body);
  });
}
