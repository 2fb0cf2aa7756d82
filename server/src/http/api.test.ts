import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store, Task } from "../store/store";
import { startTestAtrium, type TestAtrium } from "../testing/harness";
import { downloadName } from "./api";

// The REST API over a real server and a real database file: every endpoint, its 400s and 404s,
// and the download headers.

let server: TestAtrium;
let store: Store;
let url: string;
let brief: Task;
let ops: Task;
let doc: string;
let chartId: string;

const get = async (path: string) => {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get("content-type") ?? "").includes("json")) body = JSON.parse(text);
  return { res, status: res.status, body: body as Record<string, unknown> & { error?: string } };
};

beforeAll(async () => {
  server = await startTestAtrium({ name: "api" });
  ({ url } = server);
  store = server.atrium.store;
  brief = await store.work.createTask({ workspace: "main", title: "Weekly brief", description: "What each district did.", createdBy: "cleo", district: "market-hall", assignee: { kind: "agent", id: "iris" } });
  await store.work.updateTask(brief.id, { status: "doing", notes: "on it" }, "iris");
  doc = (await store.work.writeArtifact({ workspace: "main", taskId: brief.id, title: "Brief: näive “draft” / v1", kind: "markdown", body: "# Brief\n\n- one\n- two\n", createdBy: "iris" })).id; // stored trimmed
  chartId = (await store.work.writeArtifact({ workspace: "main", taskId: brief.id, title: "Tick p99", kind: "chart", body: { type: "line", series: [{ name: "p99", points: [{ x: 1, y: 4.2 }] }] }, createdBy: "bram" })).id;
  ops = await store.work.createTask({ workspace: "main", title: "Rotate keys", createdBy: "Ada", district: "ops-center", assignee: { kind: "person", id: "Ada" } });
  await store.work.createTask({ workspace: "design-review", title: "Logo", createdBy: "mira", district: "design-studio" });
  await store.messages.addMessage({ workspace: "main", fromId: "iris", fromKind: "agent", text: "Brief started." });
  await store.audit({ workspace: "main", actor: "p1", kind: "join", data: { name: "Ada" } });
  await store.llm.recordLlmCall({ workspace: "main", agentId: "iris", model: "m", request: { messages: [] }, outcome: "ok" });
});

afterAll(async () => {
  await server?.close();
});

describe("GET /api/tasks", () => {
  it("lists a workspace's tasks, oldest first, main by default", async () => {
    const { status, body } = await get("/api/tasks");
    expect(status).toBe(200);
    expect(body.workspace).toBe("main");
    expect((body.tasks as Task[]).map((t) => t.id)).toEqual([brief.id, ops.id]);
    expect((body.tasks as Task[])[0]).toEqual(await store.work.getTask(brief.id));
    const other = await get("/api/tasks?workspace=design-review");
    expect((other.body.tasks as Task[]).map((t) => t.title)).toEqual(["Logo"]);
  });

  it("filters by status (one, several, comma-separated), assignee, district and limit", async () => {
    const ids = async (q: string) => ((await get(`/api/tasks?${q}`)).body.tasks as Task[]).map((t) => t.id);
    expect(await ids("status=doing")).toEqual([brief.id]);
    expect(await ids("status=todo,doing")).toEqual([brief.id, ops.id]);
    expect(await ids("status=todo&status=done")).toEqual([ops.id]);
    expect(await ids("assignee=Ada")).toEqual([ops.id]);
    expect(await ids("district=market-hall")).toEqual([brief.id]);
    expect(await ids("limit=1")).toEqual([brief.id]);
    expect(await ids("district=market-hall&status=todo")).toEqual([]);
  });

  it("answers 400 with a clear sentence for bad parameters", async () => {
    const cases: Array<[string, RegExp]> = [
      ["status=finished", /^bad query: status\[0\]: must be one or more of todo, doing, review, done, blocked, comma-separated$/],
      ["status=", /status: name at least one status/],
      ["limit=0", /^bad query: limit: must be at least 1$/],
      ["limit=ten", /^bad query: limit: must be a whole number$/],
      ["limit=1.5", /limit: must be a whole number/],
      ["limit=100000", /limit: must be at most 500/],
      ["workspace=Main!", /^bad query: workspace: workspace must be lower-case letters, digits and dashes/],
      ["district=Not%20a%20district", /district: must be a district id/],
      ["colour=red", /^bad query: unknown query parameter "colour"$/],
      ["limit=1&limit=2", /limit:/],
    ];
    for (const [q, message] of cases) {
      const { status, body } = await get(`/api/tasks?${q}`);
      expect(status, q).toBe(400);
      expect(body.error, q).toMatch(message);
    }
  });
});

describe("GET /api/tasks/:id", () => {
  it("gives the task, its whole history and its artifacts without bodies", async () => {
    const { status, body } = await get(`/api/tasks/${brief.id}`);
    expect(status).toBe(200);
    expect(body.task).toEqual(await store.work.getTask(brief.id));
    expect(body.events).toEqual(await store.work.taskEvents(brief.id));
    expect((body.events as Array<{ kind: string }>).map((e) => e.kind)).toEqual(["created", "status", "notes", "artifact", "artifact"]);
    const artifacts = body.artifacts as Array<Record<string, unknown>>;
    expect(artifacts.map((a) => [a.id, a.kind, a.title])).toEqual([
      [doc, "markdown", "Brief: näive “draft” / v1"],
      [chartId, "chart", "Tick p99"],
    ]);
    expect(artifacts.every((a) => !("body" in a))).toBe(true);
  });

  it("answers 404 for an unknown id or another workspace's task, 400 for a bad id or parameter", async () => {
    expect(await get("/api/tasks/T-nope00")).toMatchObject({ status: 404, body: { error: 'there is no task "T-nope00"' } });
    expect(await get(`/api/tasks/${brief.id}?workspace=design-review`)).toMatchObject({ status: 404, body: { error: `there is no task "${brief.id}" in workspace "design-review"` } });
    expect((await get(`/api/tasks/${brief.id}?workspace=main`)).status).toBe(200);
    expect(await get(`/api/tasks/${"x".repeat(65)}`)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^bad task id: /) } });
    expect(await get(`/api/tasks/${brief.id}?verbose=1`)).toMatchObject({ status: 400, body: { error: 'bad query: unknown query parameter "verbose"' } });
  });
});

describe("GET /api/artifacts/:id", () => {
  it("serves the raw markdown and the raw chart JSON, never as something a browser runs", async () => {
    const md = await get(`/api/artifacts/${doc}`);
    expect(md.status).toBe(200);
    expect(md.res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(md.body).toBe("# Brief\n\n- one\n- two");
    expect(md.res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(md.res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(md.res.headers.get("content-disposition")).toBeNull();

    const chart = await get(`/api/artifacts/${chartId}`);
    expect(chart.res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(chart.body).toEqual({ type: "line", series: [{ name: "p99", points: [{ x: 1, y: 4.2 }] }] });
  });

  it("downloads as an attachment with a safe .md or .json file name", async () => {
    const md = await get(`/api/artifacts/${doc}?download=1`);
    expect(md.res.headers.get("content-disposition")).toBe('attachment; filename="Brief-naive-draft-v1.md"');
    expect(md.body).toBe("# Brief\n\n- one\n- two");
    const chart = await get(`/api/artifacts/${chartId}?download=true`);
    expect(chart.res.headers.get("content-disposition")).toBe('attachment; filename="Tick-p99.json"');
    expect((await get(`/api/artifacts/${doc}?download=0`)).res.headers.get("content-disposition")).toBeNull();
    expect(downloadName('../../etc/"passwd"', "md")).toBe("etc-passwd.md");
    expect(downloadName("…", "json")).toBe("artifact.json");
    expect(downloadName("a".repeat(300), "md")).toBe(`${"a".repeat(80)}.md`);
  });

  it("answers 404 for an unknown artifact and 400 for a bad download flag", async () => {
    expect(await get("/api/artifacts/A-nope00")).toMatchObject({ status: 404, body: { error: 'there is no artifact "A-nope00"' } });
    expect((await get(`/api/artifacts/${doc}?workspace=design-review`)).status).toBe(404);
    expect(await get(`/api/artifacts/${doc}?download=yes`)).toMatchObject({ status: 400, body: { error: "bad query: download: must be 1 or 0 (or true or false)" } });
  });
});

describe("GET /api/audit", () => {
  it("gives the newest rows oldest first, or the rows from a time on", async () => {
    const all = await get("/api/audit");
    expect(all.status).toBe(200);
    const rows = all.body.audit as Array<{ id: number; at: string; kind: string; actor: string }>;
    expect(rows.at(-1)).toMatchObject({ kind: "join", actor: "p1", data: { name: "Ada" } });
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
    const last = rows.at(-1)!;
    const since = await get(`/api/audit?since=${encodeURIComponent(last.at)}&limit=5`);
    expect(since.body).toMatchObject({ workspace: "main", since: last.at });
    expect((since.body.audit as Array<{ id: number }>).map((r) => r.id)).toContain(last.id);
    // Another time zone for the same instant is the same "since".
    const offset = new Date(Date.parse(last.at)).toISOString().replace("Z", "+00:00");
    expect((await get(`/api/audit?since=${encodeURIComponent(offset)}`)).body.since).toBe(last.at);
    const future = await get("/api/audit?since=2999-01-01T00:00:00Z");
    expect(future.body.audit).toEqual([]);
    expect(((await get("/api/audit?limit=1")).body.audit as unknown[]).length).toBe(1);
  });

  it("answers 400 for a time that is not ISO-8601 or a bad limit", async () => {
    expect(await get("/api/audit?since=yesterday")).toMatchObject({ status: 400, body: { error: "bad query: since: must be an ISO-8601 time like 2025-01-31T09:00:00Z" } });
    expect((await get("/api/audit?limit=1001")).body.error).toBe("bad query: limit: must be at most 1000");
  });
});

describe("GET /api/export", () => {
  it("gives the whole workspace: tasks with events, artifacts with bodies, messages, audit, LLM calls", async () => {
    const { status, body } = await get("/api/export");
    expect(status).toBe(200);
    expect(body.workspace).toBe("main");
    const tasks = body.tasks as Array<Task & { events: unknown[] }>;
    expect(tasks.map((t) => t.id)).toEqual([brief.id, ops.id]);
    expect(tasks[0]!.events).toEqual(await store.work.taskEvents(brief.id));
    expect((body.artifacts as Array<{ id: string; body: string }>).map((a) => a.id)).toEqual([doc, chartId]);
    expect((body.artifacts as Array<{ body: string }>)[0]!.body).toBe("# Brief\n\n- one\n- two");
    expect((body.messages as Array<{ text: string }>).map((m) => m.text)).toEqual(["Brief started."]);
    expect((body.audit as Array<{ kind: string }>).some((r) => r.kind === "join")).toBe(true);
    expect((body.llmCalls as Array<{ agentId: string }>).map((c) => c.agentId)).toEqual(["iris"]);
    const other = await get("/api/export?workspace=design-review&download=1");
    expect((other.body.tasks as Task[]).map((t) => t.title)).toEqual(["Logo"]);
    expect(other.res.headers.get("content-disposition")).toMatch(/^attachment; filename="atrium-design-review-\d{4}-\d{2}-\d{2}\.json"$/);
    expect((await get("/api/export?workspace=")).status).toBe(400);
  });
});
