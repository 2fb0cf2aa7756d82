import { gzipSync } from "node:zlib";
import type { Application, Request, Response } from "express";
import { z } from "zod";
import type { Roster } from "../../../shared/agents";
import { DEFAULT_WORKSPACE } from "../../../shared/constants";
import { workspaceIdSchema } from "../../../shared/protocol/schemas";
import { STATS_BUCKET_MS, STATS_WINDOW_MS, type StatsResponse } from "../../../shared/stats";
import type { Store } from "../store/store";
import { StatsComputer, type StatsCaps } from "./stats-compute";

/** How long one answer is reused for the same workspace and start bucket (ms). Default 2 s. */
export const STATS_CACHE_MS = 2_000;
/** Answers kept in the cache at most (one per workspace and start bucket). Default 64. */
export const STATS_CACHE_ENTRIES = 64;

export interface StatsApiDeps {
  store: Store;
  roster: Roster;
  /** config/llm.yaml's budget ceilings, or null (offline planner: nothing is spent). */
  caps?: StatsCaps | null;
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
}

/** Epoch milliseconds ("1767225600000") or an ISO-8601 time ("2026-01-01T00:00:00Z"). */
const since = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: `since must be epoch milliseconds or an ISO-8601 time, got "${text.slice(0, 40)}"` });
      return z.NEVER;
    }
    return ms;
  });

export const statsQuerySchema = z.strictObject({
  workspace: workspaceIdSchema.default(DEFAULT_WORKSPACE),
  since: since.optional(),
});

/**
 * GET /api/stats?workspace=&since= — the spectator dashboard's charts (shared/stats.ts): the
 * buckets from the one holding `since` (at most STATS_WINDOW_MS back) to now. A dashboard asks
 * for the whole window once, then every few seconds only for the newest buckets, so what it
 * downloads stays small. Answers are computed once per workspace and start bucket every
 * STATS_CACHE_MS, however many screens ask.
 */
export function mountStatsApi(app: Application, deps: StatsApiDeps): void {
  const computer = new StatsComputer(deps.store.db, deps.roster, deps.caps ?? null);
  const clock = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; body: string; gz: Buffer | null }>();

  app.get("/api/stats", async (req: Request, res: Response) => {
    for (const [key, value] of Object.entries(req.query)) {
      if (typeof value !== "string") {
        res.status(400).json({ error: `bad stats query: ${key} must be given once, as plain text` });
        return;
      }
    }
    const parsed = statsQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) =>
        i.code === "unrecognized_keys" ? `unknown query parameter${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}` : `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`,
      );
      res.status(400).json({ error: `bad stats query: ${issues.join("; ")}` });
      return;
    }
    const now = clock();
    const { workspace } = parsed.data;
    if (parsed.data.since !== undefined && parsed.data.since > now + STATS_BUCKET_MS) {
      res.status(400).json({ error: "bad stats query: since is in the future" });
      return;
    }
    const from = Math.max(now - STATS_WINDOW_MS, parsed.data.since ?? 0);
    const key = `${workspace}\u0000${Math.floor(from / STATS_BUCKET_MS)}`;
    let hit = cache.get(key);
    if (!hit || now - hit.at > STATS_CACHE_MS) {
      const body: StatsResponse = await computer.compute({ workspace, from, now, bucketMs: STATS_BUCKET_MS });
      hit = { at: now, body: JSON.stringify(body), gz: null };
      for (const [k, v] of cache) if (now - v.at > STATS_CACHE_MS || cache.size >= STATS_CACHE_ENTRIES) cache.delete(k);
      cache.set(key, hit);
    }
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Vary", "Accept-Encoding");
    res.type("application/json");
    // A wall screen polls this all day: gzip it (JSON of numbers shrinks about four times).
    if (req.acceptsEncodings("gzip") === "gzip") {
      hit.gz ??= gzipSync(hit.body);
      res.setHeader("Content-Encoding", "gzip");
      res.send(hit.gz);
      return;
    }
    res.send(hit.body);
  });
}
