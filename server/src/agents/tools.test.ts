import { describe, expect, it } from "vitest";
import { TASK_STATUSES, TOOL_NAMES, type ToolName } from "../../../shared/agents";
import { MAX_MARKDOWN_LENGTH, MAX_SAY_LENGTH, TOOL_DEFINITIONS, parseToolCall, toolJsonSchema, toolsForLlm, type ToolCallResult } from "./tools";

const ALL = TOOL_NAMES;

function ok(name: ToolName, args: unknown) {
  const r = parseToolCall(name, JSON.stringify(args), ALL);
  if (!r.ok) throw new Error(`expected ${name} ${JSON.stringify(args)} to pass, got: ${r.error}`);
  expect(r.name).toBe(name);
  return r.args as Record<string, unknown>;
}

/** Expects the call to be refused as invalid_arguments; returns the error text. */
function bad(name: ToolName, args: unknown): string {
  const r: ToolCallResult = parseToolCall(name, JSON.stringify(args), ALL);
  if (r.ok) throw new Error(`expected ${name} ${JSON.stringify(args)} to be refused`);
  expect(r.code).toBe("invalid_arguments");
  expect(r.error).toContain(`invalid arguments for ${name}: `);
  return r.error;
}

const chart = { type: "bar", series: [{ name: "Revenue", points: [{ x: "Q1", y: 10 }, { x: 2, y: 12.5 }] }] };

describe("tool arguments", () => {
  it("say: text of 1..2000 characters, trimmed; nothing else", () => {
    expect(ok("say", { text: "  Hello there  " })).toEqual({ text: "Hello there" });
    ok("say", { text: "x".repeat(MAX_SAY_LENGTH) });
    expect(bad("say", { text: "x".repeat(MAX_SAY_LENGTH + 1) })).toMatch(/text: .*2000/);
    expect(bad("say", { text: "   " })).toMatch(/text: /);
    expect(bad("say", {})).toMatch(/text: .*expected string/);
    expect(bad("say", { text: 42 })).toMatch(/text: .*expected string/);
    expect(bad("say", { text: "hi", volume: 11 })).toMatch(/unknown field "volume"; allowed: text/);
  });

  it("move_to: exactly one of district and person", () => {
    expect(ok("move_to", { district: "build-yard" })).toEqual({ district: "build-yard" });
    expect(ok("move_to", { person: "Ada Lovelace" })).toEqual({ person: "Ada Lovelace" });
    expect(bad("move_to", {})).toMatch(/district: give exactly one of district or person/);
    expect(bad("move_to", { district: "build-yard", person: "Ada" })).toMatch(/give exactly one of district or person/);
    expect(bad("move_to", { district: "Build Yard" })).toMatch(/district: must be a district id/);
  });

  it("create_task: title 1..120, description defaults to empty, optional district and assignee", () => {
    expect(ok("create_task", { title: "Compare pricing models" })).toEqual({ title: "Compare pricing models", description: "" });
    expect(ok("create_task", { title: "T", description: "Done when the brief is on the wall.", district: "research-lab", assignee: "iris" })).toEqual({
      title: "T",
      description: "Done when the brief is on the wall.",
      district: "research-lab",
      assignee: "iris",
    });
    expect(bad("create_task", { title: "x".repeat(121) })).toMatch(/title: .*120/);
    expect(bad("create_task", { title: "" })).toMatch(/title: /);
    expect(bad("create_task", { description: "no title" })).toMatch(/title: /);
    expect(bad("create_task", { title: "ok", description: "x".repeat(4001) })).toMatch(/description: .*4000/);
    expect(bad("create_task", { title: "ok", status: "doing" })).toMatch(/unknown field "status"/);
  });

  it("update_task: task_id and at least one of status and notes; status from the list", () => {
    expect(ok("update_task", { task_id: "T-abc234", status: "review" })).toEqual({ task_id: "T-abc234", status: "review" });
    expect(ok("update_task", { task_id: "T-abc234", notes: "Halfway there" })).toEqual({ task_id: "T-abc234", notes: "Halfway there" });
    for (const status of TASK_STATUSES) ok("update_task", { task_id: "T-1", status, notes: "n" });
    expect(bad("update_task", { task_id: "T-abc234" })).toMatch(/give status, notes or both/);
    expect(bad("update_task", { task_id: "T-abc234", status: "finished" })).toMatch(/status: .*"todo"\|"doing"\|"review"\|"done"\|"blocked"/);
    expect(bad("update_task", { status: "done" })).toMatch(/task_id: /);
    expect(bad("update_task", { task_id: "T-1", notes: "x".repeat(4001) })).toMatch(/notes: .*4000/);
  });

  it("hand_off: task_id, to_agent (an id) and a note of at most 2000 characters", () => {
    expect(ok("hand_off", { task_id: "T-1", to_agent: "bram", note: "Spec is in A-x; start with the API." })).toMatchObject({ to_agent: "bram" });
    expect(bad("hand_off", { task_id: "T-1", to_agent: "bram" })).toMatch(/note: /);
    expect(bad("hand_off", { task_id: "T-1", to_agent: "Bram the Builder", note: "" })).toMatch(/to_agent: must be an agent id/);
    expect(bad("hand_off", { task_id: "T-1", to_agent: "bram", note: "x".repeat(2001) })).toMatch(/note: .*2000/);
  });

  it("write_artifact: markdown for kind markdown, chart for kind chart, not the other", () => {
    expect(ok("write_artifact", { title: "Brief", kind: "markdown", markdown: "# Findings" })).toEqual({ title: "Brief", kind: "markdown", markdown: "# Findings" });
    expect(ok("write_artifact", { task_id: "T-1", title: "Revenue", kind: "chart", chart })).toMatchObject({ chart });
    expect(bad("write_artifact", { title: "Brief", kind: "markdown" })).toMatch(/markdown: required when kind is "markdown"/);
    expect(bad("write_artifact", { title: "Chart", kind: "chart" })).toMatch(/chart: required when kind is "chart"/);
    expect(bad("write_artifact", { title: "Both", kind: "markdown", markdown: "x", chart })).toMatch(/chart: only for kind "chart"/);
    expect(bad("write_artifact", { title: "Brief", kind: "pdf", markdown: "x" })).toMatch(/kind: /);
    expect(bad("write_artifact", { title: "Big", kind: "markdown", markdown: "x".repeat(MAX_MARKDOWN_LENGTH + 1) })).toMatch(/markdown: .*20000/);
    expect(bad("write_artifact", { title: "", kind: "markdown", markdown: "x" })).toMatch(/title: /);
  });

  it("write_artifact: chart type, 1..8 series, 1..500 points of number or string x and number y", () => {
    const withChart = (c: unknown) => ({ title: "C", kind: "chart", chart: c });
    ok("write_artifact", withChart({ type: "scatter", series: Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, points: [{ x: i, y: i }] })) }));
    ok("write_artifact", withChart({ type: "line", series: [{ name: "s", points: Array.from({ length: 500 }, (_, i) => ({ x: i, y: i })) }] }));
    expect(bad("write_artifact", withChart({ ...chart, type: "pie" }))).toMatch(/chart\.type: /);
    expect(bad("write_artifact", withChart({ type: "bar", series: [] }))).toMatch(/chart\.series: /);
    expect(bad("write_artifact", withChart({ type: "bar", series: Array.from({ length: 9 }, () => chart.series[0]) }))).toMatch(/chart\.series: .*8/);
    expect(bad("write_artifact", withChart({ type: "bar", series: [{ name: "s", points: [] }] }))).toMatch(/chart\.series\[0\]\.points: /);
    expect(bad("write_artifact", withChart({ type: "line", series: [{ name: "s", points: Array.from({ length: 501 }, (_, i) => ({ x: i, y: i })) }] }))).toMatch(/points: .*500/);
    expect(bad("write_artifact", withChart({ type: "bar", series: [{ name: "s", points: [{ x: "Q1", y: "ten" }] }] }))).toMatch(/chart\.series\[0\]\.points\[0\]\.y: /);
    expect(bad("write_artifact", withChart({ type: "bar", series: [{ name: "s", points: [{ x: true, y: 1 }] }] }))).toMatch(/points\[0\]\.x: /);
  });

  it("ask_human: a question of 1..500 characters and 2..6 distinct short options", () => {
    expect(ok("ask_human", { question: "Ship it today?", options: ["Approve", "Reject"] })).toEqual({ question: "Ship it today?", options: ["Approve", "Reject"] });
    ok("ask_human", { question: "Which?", options: ["a", "b", "c", "d", "e", "f"] });
    expect(bad("ask_human", { question: "Ship?", options: ["Yes"] })).toMatch(/options: .*2/);
    expect(bad("ask_human", { question: "Which?", options: ["a", "b", "c", "d", "e", "f", "g"] })).toMatch(/options: .*6/);
    expect(bad("ask_human", { question: "Ship?", options: ["Yes", "yes"] })).toMatch(/options\[1\]: duplicate option "yes"/);
    expect(bad("ask_human", { question: "Ship?", options: ["Yes", "x".repeat(81)] })).toMatch(/options\[1\]: /);
    expect(bad("ask_human", { question: "x".repeat(501), options: ["a", "b"] })).toMatch(/question: .*500/);
    expect(bad("ask_human", { question: "Ship?" })).toMatch(/options: /);
  });

  it("escalate: a reason of 1..1000 characters and an optional task_id", () => {
    expect(ok("escalate", { reason: "Need production access" })).toEqual({ reason: "Need production access" });
    expect(ok("escalate", { reason: "Blocked", task_id: "T-9" })).toEqual({ reason: "Blocked", task_id: "T-9" });
    expect(bad("escalate", { task_id: "T-9" })).toMatch(/reason: /);
    expect(bad("escalate", { reason: "x".repeat(1001) })).toMatch(/reason: .*1000/);
  });
});

describe("parseToolCall", () => {
  it("refuses an unknown tool, listing the ones this agent has", () => {
    const r = parseToolCall("fly", "{}", ["say", "move_to"]);
    expect(r).toEqual({ ok: false, code: "unknown_tool", error: 'unknown tool "fly"; available tools: say, move_to' });
  });

  it("refuses a real tool this agent is not allowed", () => {
    const r = parseToolCall("create_task", JSON.stringify({ title: "x" }), ["say", "update_task"]);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ code: "not_allowed" });
    expect(!r.ok && r.error).toBe('tool "create_task" is not allowed for you; available tools: say, update_task');
    expect(parseToolCall("say", '{"text":"hi"}', []).ok).toBe(false);
  });

  it("refuses arguments that are not JSON, or not a JSON object", () => {
    const r = parseToolCall("say", '{"text": "hi"', ALL);
    expect(r).toMatchObject({ ok: false, code: "bad_json" });
    expect(!r.ok && r.error).toMatch(/^arguments for say are not valid JSON \(.+\); send one JSON object$/);
    expect(parseToolCall("say", '["hi"]', ALL)).toMatchObject({ ok: false, code: "invalid_arguments", error: "arguments for say must be a JSON object, not an array" });
    expect(parseToolCall("say", "null", ALL)).toMatchObject({ ok: false, code: "invalid_arguments", error: "arguments for say must be a JSON object, not null" });
    expect(parseToolCall("say", '"hi"', ALL)).toMatchObject({ ok: false, code: "invalid_arguments", error: "arguments for say must be a JSON object, not string" });
  });

  it("treats empty arguments as an empty object, so the error names the missing field", () => {
    const r = parseToolCall("say", "  ", ALL);
    expect(r).toMatchObject({ ok: false, code: "invalid_arguments" });
    expect(!r.ok && r.error).toMatch(/^invalid arguments for say: text: /);
  });

  it("checks district and agent ids against the context when given", () => {
    const context = { districtIds: ["research-lab", "build-yard"], agentIds: ["iris", "bram"] };
    expect(parseToolCall("move_to", '{"district":"build-yard"}', ALL, context).ok).toBe(true);
    expect(parseToolCall("move_to", '{"district":"moon-base"}', ALL, context)).toEqual({
      ok: false,
      code: "invalid_arguments",
      error: 'invalid arguments for move_to: district: unknown district "moon-base"; known: research-lab, build-yard',
    });
    expect(parseToolCall("create_task", '{"title":"x","district":"moon-base"}', ALL, context).ok).toBe(false);
    expect(parseToolCall("hand_off", '{"task_id":"T-1","to_agent":"zed","note":""}', ALL, context)).toMatchObject({
      ok: false,
      error: 'invalid arguments for hand_off: to_agent: unknown agent "zed"; known: iris, bram',
    });
    // Without a context any well-formed id passes.
    expect(parseToolCall("move_to", '{"district":"moon-base"}', ALL).ok).toBe(true);
  });
});

/** Keys of a tool's zod object that the model must send, and all its keys. */
function zodKeys(name: ToolName): { all: string[]; required: string[] } {
  const shape = (TOOL_DEFINITIONS[name].schema as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }).shape;
  const all = Object.keys(shape);
  // A field is required when leaving it out fails its own schema.
  return { all, required: all.filter((k) => !shape[k]!.safeParse(undefined).success) };
}

describe("toolsForLlm", () => {
  const tools = toolsForLlm(ALL);

  it("gives the allowed tools in the OpenAI tools format, in order, once each", () => {
    expect(tools.map((t) => t.function.name)).toEqual([...ALL]);
    expect(toolsForLlm(["say", "escalate", "say"]).map((t) => t.function.name)).toEqual(["say", "escalate"]);
    expect(toolsForLlm([])).toEqual([]);
    for (const t of tools) {
      expect(Object.keys(t).sort()).toEqual(["function", "type"]);
      expect(t.type).toBe("function");
      expect(Object.keys(t.function).sort()).toEqual(["description", "name", "parameters"]);
      expect(t.function.description).toBe(TOOL_DEFINITIONS[t.function.name].description);
      expect(t.function.description.length).toBeGreaterThan(20);
    }
  });

  it("is plain JSON: no $schema, no $ref/$defs, survives a JSON round trip", () => {
    expect(JSON.parse(JSON.stringify(tools))).toEqual(tools);
    const text = JSON.stringify(tools);
    expect(text).not.toContain("$schema");
    expect(text).not.toContain("$ref");
    expect(text).not.toContain("$defs");
  });

  it("matches each zod schema: an object with the same fields, the same required ones, no extras, described", () => {
    for (const t of tools) {
      const p = t.function.parameters as { type: string; properties: Record<string, { description?: string }>; required?: string[]; additionalProperties: boolean };
      const { all, required } = zodKeys(t.function.name);
      expect(p.type).toBe("object");
      expect(p.additionalProperties).toBe(false);
      expect(Object.keys(p.properties)).toEqual(all);
      expect([...(p.required ?? [])].sort()).toEqual([...required].sort());
      for (const [key, prop] of Object.entries(p.properties)) expect(prop.description, `${t.function.name}.${key}`).toMatch(/\w{3}/);
    }
  });

  it("spells out the required fields, enums and limits the model must respect", () => {
    const params = (name: ToolName) => toolJsonSchema(name) as any;
    expect(params("say").required).toEqual(["text"]);
    expect(params("say").properties.text).toMatchObject({ type: "string", minLength: 1, maxLength: 2000 });
    expect(params("move_to").required).toBeUndefined();
    expect(params("create_task").required).toEqual(["title"]);
    expect(params("update_task").required).toEqual(["task_id"]);
    expect(params("update_task").properties.status.enum).toEqual([...TASK_STATUSES]);
    expect(params("hand_off").required).toEqual(["task_id", "to_agent", "note"]);
    const wa = params("write_artifact");
    expect(wa.required).toEqual(["title", "kind"]);
    expect(wa.properties.kind.enum).toEqual(["markdown", "chart"]);
    expect(wa.properties.chart.properties.type.enum).toEqual(["bar", "line", "scatter"]);
    expect(wa.properties.chart.properties.series).toMatchObject({ type: "array", minItems: 1, maxItems: 8 });
    const point = wa.properties.chart.properties.series.items.properties.points;
    expect(point).toMatchObject({ minItems: 1, maxItems: 500 });
    expect(point.items.required).toEqual(["x", "y"]);
    expect(point.items.properties.x.anyOf.map((s: { type: string }) => s.type)).toEqual(["number", "string"]);
    expect(params("ask_human").properties.options).toMatchObject({ type: "array", minItems: 2, maxItems: 6, items: { type: "string" } });
    expect(params("escalate").required).toEqual(["reason"]);
  });

  it("lists the real district and agent ids as enums when given a context", () => {
    const withContext = toolsForLlm(["move_to", "create_task", "hand_off"], { districtIds: ["research-lab", "ops-center"], agentIds: ["iris", "otto"] });
    const props = (i: number) => (withContext[i]!.function.parameters as any).properties;
    expect(props(0).district.enum).toEqual(["research-lab", "ops-center"]);
    expect(props(1).district.enum).toEqual(["research-lab", "ops-center"]);
    expect(props(2).to_agent.enum).toEqual(["iris", "otto"]);
    expect(props(2).to_agent.pattern).toBeUndefined();
    // and leaves the shared schemas alone
    expect((toolsForLlm(["move_to"])[0]!.function.parameters as any).properties.district.enum).toBeUndefined();
  });

  it("hands out copies: changing one does not change the next", () => {
    const first = toolsForLlm(["say"])[0]!.function.parameters as any;
    first.properties.text.maxLength = 1;
    expect((toolsForLlm(["say"])[0]!.function.parameters as any).properties.text.maxLength).toBe(2000);
  });
});
