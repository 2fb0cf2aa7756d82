import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATS_BUCKET_MS, STATS_WINDOW_MS, type StatsBucket, type StatsResponse } from "../../../shared/stats";
import type { Roster } from "../../../shared/agents";
import { loadRoster } from "../agents/roster";
import { replayStoreOf } from "../replay/replay-store";
import type { Store } from "../store/store";
import { startTestAtrium, type TestAtrium } from "../testing/harness";
import { quantile, STATS_MAX_CALL_MS } from "./stats-compute";
import { STATS_CACHE_MS } from "./stats-api";

// GET /api/stats over a real server and a real database file. Rows are written through the
// store, then their times are set with SQL, so each aggregate is checked against known moments.

let t: TestAtrium;
let store: Store;
let roster: Roster;
const budgetOf = (id: string) => roster.agents.find((a) => a.id === id)!.budget.usd;
const iso = (ms: number) => new Date(ms).toISOString();
const bucketOf = (ms: number) => Math.floor(ms / STATS_BUCKET_MS) * STATS_BUCKET_MS;

async function stats(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: StatsResponse & { error?: string } }> {
  const res = await fetch(`${t.url}/api/stats?${query}`, { headers });
  return { status: res.status, body: (await res.json()) as StatsResponse & { error?: string } };
}

function bucketAt(body: StatsResponse, ms: number): StatsBucket {
  const b = body.buckets.find((x) => x.t === bucketOf(ms));
  if (!b) throw new Error(`no bucket for ${iso(ms)}`);
  return b;
}

/** An LLM call that started at `at` and took `latencyMs`. */
async function call(workspace: string, agentId: string, at: number, fields: { latencyMs: number; ttftMs?: number; tokens?: [number, number]; costUsd?: number; outcome?: string; model?: string }): Promise<number> {
  const id = await store.llm.recordLlmCall({
    workspace,
    agentId,
    model: fields.model ?? "gpt-test",
    request: { messages: [] },
    promptTokens: fields.tokens?.[0] ?? 0,
    completionTokens: fields.tokens?.[1] ?? 0,
    costUsd: fields.costUsd ?? 0,
    latencyMs: fields.latencyMs,
    ttftMs: fields.ttftMs ?? null,
    outcome: fields.outcome ?? "ok",
  });
  await store.db.updateTable("llm_calls").set({ at: iso(at) }).where("id", "=", id).execute();
  return id;
}

beforeAll(async () => {
  t = await startTestAtrium({ name: "stats" });
  store = t.atrium.store;
  roster = loadRoster(path.resolve(__dirname, "../../../config/agents.yaml"), t.atrium.world);
});
afterAll(async () => {
  await t?.close();
});

describe("GET /api/stats", () => {
  it("answers an empty workspace with contiguous empty buckets over the window, and every roster agent", async () => {
    const before = Date.now();
    const { status, body } = await stats("workspace=stats-empty");
    expect(status).toBe(200);
    expect(body.workspace).toBe("stats-empty");
    expect(body.bucketMs).toBe(STATS_BUCKET_MS);
    expect(body.now).toBeGreaterThanOrEqual(before);
    const ts = body.buckets.map((b) => b.t);
    expect(ts[0]).toBe(bucketOf(body.now - STATS_WINDOW_MS));
    expect(ts.at(-1)).toBe(bucketOf(body.now));
    ts.forEach((v, i) => i > 0 && expect(v - ts[i - 1]!).toBe(STATS_BUCKET_MS));
    expect(body.buckets.every((b) => b.calls === 0 && b.tokens === 0 && Object.values(b.tasks).every((n) => n === 0))).toBe(true);
    expect(body.agents.map((a) => a.id)).toEqual(roster.agents.map((a) => a.id));
    expect(body.agents.find((a) => a.id === "iris")).toMatchObject({ name: "Iris", spentUsd: 0, budgetUsd: budgetOf("iris"), calls: 0 });
    expect(body.spentUsd).toBe(0);
    expect(body.workspaceBudgetUsd).toBe(roster.workspaceBudgetUsd ?? null);
    expect(body.brain).toBe("none");
  });

  it("counts each LLM call where it finished: tokens, cost, errors, median TTFT and latency, per agent; pending and other workspaces not", async () => {
    const ws = "stats-calls";
    const now = Date.now();
    const b = bucketOf(now) - 4 * STATS_BUCKET_MS; // a closed bucket, 40 s ago
    await call(ws, "iris", b + 1000, { latencyMs: 2000, ttftMs: 300, tokens: [100, 20], costUsd: 0.01 });
    await call(ws, "iris", b + 2000, { latencyMs: 3000, ttftMs: 500, tokens: [200, 30], costUsd: 0.02 });
    await call(ws, "bram", b + 2000, { latencyMs: 1000, ttftMs: 400, tokens: [50, 5], costUsd: 0.005, outcome: "error" });
    // Started in an earlier bucket, finished in this one.
    await call(ws, "bram", b - 5000, { latencyMs: 6000, ttftMs: 900, tokens: [10, 10], costUsd: 0.001 });
    // Long ago: counts only in the all-time totals.
    await call(ws, "iris", now - STATS_WINDOW_MS - STATS_MAX_CALL_MS - 60_000, { latencyMs: 1000, tokens: [1000, 0], costUsd: 1 });
    const pending = await replayStoreOf(store).startLlmCall({ workspace: ws, agentId: "mira", model: "gpt-test", request: {} });
    await store.db.updateTable("llm_calls").set({ at: iso(b + 500) }).where("id", "=", pending).execute();
    await call("stats-elsewhere", "iris", b + 1000, { latencyMs: 100, tokens: [999, 999], costUsd: 9 });

    const { body } = await stats(`workspace=${ws}`);
    const bucket = bucketAt(body, b);
    expect(bucket).toMatchObject({ calls: 4, errors: 1, tokens: 100 + 20 + 200 + 30 + 55 + 20 });
    expect(bucket.costUsd).toBeCloseTo(0.036, 6);
    expect(bucket.ttftMs).toBe(400); // median of 300, 400, 500, 900 (nearest rank)
    expect(bucket.latencyMs).toBe(2000); // of 1000, 2000, 3000, 6000
    expect(bucket.latencyP95Ms).toBe(6000);
    expect(bucket.agents.iris).toEqual([350, 0.03, 2, 0]);
    expect(bucket.agents.bram).toEqual([75, 0.006, 2, 1]);
    expect(bucket.agents.mira).toBeUndefined();
    expect(bucketAt(body, b - 5000).calls).toBe(0);
    expect(body.buckets.reduce((n, x) => n + x.calls, 0)).toBe(4);
    const iris = body.agents.find((a) => a.id === "iris")!;
    expect(iris).toMatchObject({ tokens: 1350, calls: 3, errors: 0 });
    expect(iris.spentUsd).toBeCloseTo(1.03, 6);
    expect(body.agents.find((a) => a.id === "bram")).toMatchObject({ calls: 2, errors: 1 });
    expect(body.spentUsd).toBeCloseTo(1.036, 6);
    expect(body.brain).toBe("llm");
  });

  it("rebuilds tasks by status at each bucket's end from the task history", async () => {
    const ws = "stats-tasks";
    const now = Date.now();
    const B = bucketOf(now);
    const a = await store.work.createTask({ workspace: ws, title: "A", createdBy: "test" });
    await store.work.changeTask(a.id, { status: "doing" }, "iris");
    await store.work.changeTask(a.id, { status: "review" }, "iris");
    const b = await store.work.createTask({ workspace: ws, title: "B", createdBy: "test" });
    const events = await store.db.selectFrom("task_events").select(["id", "task_id", "kind"]).where("task_id", "in", [a.id, b.id]).orderBy("id").execute();
    const times = [B - 100_000 + 1, B - 50_000 + 1, B - 20_000 + 1, B - 30_000 + 1]; // A created, doing, review; B created
    for (const [i, e] of events.entries()) await store.db.updateTable("task_events").set({ at: iso(times[i]!) }).where("id", "=", e.id).execute();
    await store.db.updateTable("tasks").set({ created_at: iso(times[0]!), updated_at: iso(times[2]!) }).where("id", "=", a.id).execute();
    await store.db.updateTable("tasks").set({ created_at: iso(times[3]!), updated_at: iso(times[3]!) }).where("id", "=", b.id).execute();

    const { body } = await stats(`workspace=${ws}`);
    const at = (ms: number) => bucketAt(body, ms).tasks;
    expect(at(B - 110_000)).toEqual({ todo: 0, doing: 0, review: 0, done: 0, blocked: 0 });
    expect(at(B - 100_000)).toEqual({ todo: 1, doing: 0, review: 0, done: 0, blocked: 0 });
    expect(at(B - 60_000)).toEqual({ todo: 1, doing: 0, review: 0, done: 0, blocked: 0 });
    expect(at(B - 50_000)).toEqual({ todo: 0, doing: 1, review: 0, done: 0, blocked: 0 });
    expect(at(B - 30_000)).toEqual({ todo: 1, doing: 1, review: 0, done: 0, blocked: 0 });
    expect(at(B - 20_000)).toEqual({ todo: 1, doing: 0, review: 1, done: 0, blocked: 0 });
    expect(at(now)).toEqual({ todo: 1, doing: 0, review: 1, done: 0, blocked: 0 });
  });

  it("averages agents by state over each bucket, from the recorded samples", async () => {
    const ws = "stats-states";
    const B = bucketOf(Date.now()) - 4 * STATS_BUCKET_MS;
    const sample = (at: number, agentId: string, state: string) => ({ workspace: ws, at, agentId, x: 0, z: 0, yaw: 0, state, reason: "", taskId: null });
    await replayStoreOf(store).insertSamples([
      sample(B - STATS_WINDOW_MS, "iris", "idle"), // before the window: the starting state
      sample(B, "iris", "thinking"),
      sample(B + 2000, "bram", "working"),
      sample(B + 4000, "iris", "thinking"), // the same state again (a walking agent's pose): no change
      sample(B + 5000, "iris", "walking"),
      sample(B + STATS_BUCKET_MS, "iris", "idle"),
    ]);
    const { body } = await stats(`workspace=${ws}`);
    expect(bucketAt(body, B - STATS_BUCKET_MS).states).toEqual({ idle: 1 });
    expect(bucketAt(body, B).states).toEqual({ thinking: 0.5, walking: 0.5, working: 0.8 });
    expect(bucketAt(body, B + STATS_BUCKET_MS).states).toEqual({ idle: 1, working: 1 });
    expect(body.buckets[0]!.states).toEqual({ idle: 1 });
  });

  it("with since, answers only the buckets from the one holding it; the same question within the cache time costs no new computation", async () => {
    const ws = "stats-since";
    const now = Date.now();
    const since = now - 15_000;
    const { status, body } = await stats(`workspace=${ws}&since=${since}`);
    expect(status).toBe(200);
    expect(body.buckets[0]!.t).toBe(bucketOf(since));
    expect(body.buckets.length).toBeLessThanOrEqual(3);
    expect(body.buckets.at(-1)!.t).toBe(bucketOf(body.now));
    // ISO works too.
    expect((await stats(`workspace=${ws}&since=${encodeURIComponent(iso(since))}`)).body.buckets[0]!.t).toBe(bucketOf(since));
    // A new call right after: the cached answer (same now) is given until STATS_CACHE_MS passes.
    await call(ws, "otto", Date.now() - 200, { latencyMs: 100, tokens: [5, 5] });
    const again = await stats(`workspace=${ws}&since=${since}`);
    if (Date.now() - body.now < STATS_CACHE_MS - 200) expect(again.body.now).toBe(body.now);
    await new Promise((r) => setTimeout(r, STATS_CACHE_MS + 50));
    const fresh = await stats(`workspace=${ws}&since=${since}`);
    expect(fresh.body.now).toBeGreaterThan(body.now);
    expect(fresh.body.buckets.reduce((n, b) => n + b.tokens, 0)).toBe(10);
  });

  it("uses the owner's budget change for an agent when there is one", async () => {
    await store.db.insertInto("settings").values({ key: "budget/stats-budget/iris", value: "0.5" }).execute();
    const { body } = await stats("workspace=stats-budget");
    expect(body.agents.find((a) => a.id === "iris")!.budgetUsd).toBe(0.5);
    expect(body.agents.find((a) => a.id === "bram")!.budgetUsd).toBe(budgetOf("bram"));
  });

  it("marks offline planner decisions as such", async () => {
    await call("stats-offline", "iris", Date.now() - 3000, { latencyMs: 1200, model: "offline-planner" });
    expect((await stats("workspace=stats-offline")).body.brain).toBe("offline");
  });

  it("refuses bad input with one readable sentence", async () => {
    const cases: Array<[string, RegExp]> = [
      ["since=yesterday", /since must be epoch milliseconds or an ISO-8601 time, got "yesterday"/],
      [`since=${Date.now() + 3_600_000}`, /since is in the future/],
      ["workspace=Not%20Valid", /workspace/],
      ["since=1&since=2", /since must be given once/],
      ["window=5", /unknown query parameter "window"/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await stats(query);
      expect(status, query).toBe(400);
      expect(body.error, query).toMatch(message);
    }
  });

  it("is gzipped for clients that accept it, and plain for those that do not", async () => {
    const zipped = await fetch(`${t.url}/api/stats?workspace=stats-gzip`, { headers: { "accept-encoding": "gzip" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(((await zipped.json()) as StatsResponse).workspace).toBe("stats-gzip");
    const plain = await new Promise<{ encoding: string | undefined; body: string }>((resolve, reject) => {
      http.get(`${t.url}/api/stats?workspace=stats-gzip`, { headers: { "accept-encoding": "identity" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body }));
      }).on("error", reject);
    });
    expect(plain.encoding).toBeUndefined();
    expect((JSON.parse(plain.body) as StatsResponse).workspace).toBe("stats-gzip");
  });

  it("is open to spectators (the access policy lists it for every role)", async () => {
    const { token } = await t.atrium.auth.issue({ role: "spectator", ttlS: 600, createdBy: "test" });
    const { status } = await stats("workspace=main", { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
  });
});

describe("quantile", () => {
  it("takes the nearest rank", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  });
});
