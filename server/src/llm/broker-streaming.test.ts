import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { BudgetLedger } from "./budget-ledger";
import { HELLO, TEST_KEY, TEST_MODEL, testBroker } from "./test-fixtures";
import type { LlmTool } from "./types";

/** The broker against a real OpenAI-compatible HTTP server: streaming, tool calls, usage and cost. */

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const TOOLS: LlmTool[] = [
  {
    type: "function",
    function: { name: "walk_to", description: "Walk to a district", parameters: { type: "object", properties: { district: { type: "string" } }, required: ["district"] } },
  },
  { type: "function", function: { name: "say", parameters: { type: "object", properties: { text: { type: "string" } } } } },
];

describe("LlmBroker streaming", () => {
  it("streams text, calling onDelta per token delta in order, and sends exactly what it was given", async () => {
    const { broker, records } = testBroker(fake);
    fake.script(textReply("Hello, I am Ada. Nice to meet you.", { chunkSize: 3, delayMs: 2 }));
    const deltas: string[] = [];
    const result = await broker.stream({ agentId: "ada", messages: HELLO, onDelta: (d) => deltas.push(d) });

    expect(result.text).toBe("Hello, I am Ada. Nice to meet you.");
    expect(deltas.length).toBe(Math.ceil(result.text.length / 3));
    expect(deltas.join("")).toBe(result.text);
    expect(deltas[0]).toBe("Hel");
    expect(result.finishReason).toBe("stop");
    expect(result.toolCalls).toEqual([]);
    expect(result.model).toBe(TEST_MODEL);
    expect(result.attempts).toBe(1);
    expect(result.ttftMs).not.toBeNull();
    expect(result.ttftMs!).toBeGreaterThan(0);
    expect(result.ttftMs!).toBeLessThanOrEqual(result.latencyMs);

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(sent.body).toMatchObject({ model: TEST_MODEL, messages: HELLO, stream: true, stream_options: { include_usage: true } });
    expect(sent.body).not.toHaveProperty("tools"); // an empty tools array is refused by OpenAI
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ agentId: "ada", outcome: "ok", error: null, messages: HELLO, response: { text: result.text, finishReason: "stop" } });
  });

  it("uses the per-call model when given one", async () => {
    const { broker } = testBroker(fake);
    fake.script(textReply("ok"));
    const result = await broker.stream({ agentId: "ada", model: "other-model", messages: HELLO });
    expect(fake.requests[0]!.body?.model).toBe("other-model");
    expect(result.model).toBe("other-model");
  });

  it("assembles a tool call whose arguments are split across many chunks", async () => {
    const { broker, records } = testBroker(fake);
    const args = JSON.stringify({ district: "research-lab", reason: "the fountain is in the way, walk round it" });
    fake.script(toolCallReply([{ id: "call_walk", name: "walk_to", arguments: args }], { argsChunkSize: 3 }));
    const result = await broker.stream({ agentId: "ada", messages: HELLO, tools: TOOLS });
    expect(result.toolCalls).toEqual([{ id: "call_walk", name: "walk_to", arguments: args }]);
    expect(result.finishReason).toBe("tool_calls");
    expect(fake.requests[0]!.body?.tools).toEqual(TOOLS);
    expect(records[0]!.tools).toEqual(TOOLS);
    expect(records[0]!.response.toolCalls).toEqual(result.toolCalls);
  });

  it("assembles parallel tool calls whose fragments interleave, with text before them", async () => {
    const { broker } = testBroker(fake);
    const calls = [
      { id: "c0", name: "walk_to", arguments: '{"district":"build-yard"}' },
      { id: "c1", name: "say", arguments: '{"text":"on my way over"}' },
      { id: "c2", name: "say", arguments: '{"text":"second"}' },
    ];
    fake.script(toolCallReply(calls, { content: "Let me go.", argsChunkSize: 4, interleaveToolCalls: true }));
    const deltas: string[] = [];
    const result = await broker.stream({ agentId: "ada", messages: HELLO, tools: TOOLS, onDelta: (d) => deltas.push(d) });
    expect(result.toolCalls).toEqual(calls);
    expect(result.text).toBe("Let me go.");
    expect(deltas.join("")).toBe("Let me go.");
  });

  it("reads the usage chunk, prices it and books the spend", async () => {
    const ledger = new BudgetLedger({ perAgentUsd: 100, perWorkspaceUsd: 100 });
    const prices = { default: { input: 1, output: 1 }, models: { [TEST_MODEL]: { input: 2, output: 10 } } };
    const { broker, records } = testBroker(fake, { ledger, prices });
    fake.script(textReply("priced", { usage: { prompt_tokens: 1200, completion_tokens: 300 } }));
    const result = await broker.stream({ agentId: "ada", workspace: "w1", messages: HELLO });
    expect(result.usage).toEqual({ promptTokens: 1200, completionTokens: 300 });
    expect(result.usageEstimated).toBe(false);
    const expected = (1200 * 2 + 300 * 10) / 1e6;
    expect(result.costUsd).toBeCloseTo(expected, 12);
    expect(ledger.spent("ada", "w1")).toEqual({ agentUsd: result.costUsd, workspaceUsd: result.costUsd });
    expect(records[0]).toMatchObject({ workspace: "w1", usage: { promptTokens: 1200, completionTokens: 300 }, costUsd: result.costUsd, responseModel: TEST_MODEL });
  });

  it("estimates usage when the upstream reports none, and says so", async () => {
    const prices = { default: { input: 1, output: 1 }, models: {} };
    const { broker } = testBroker(fake, { prices });
    fake.script(textReply("x".repeat(40), { usage: "none" }));
    const result = await broker.stream({ agentId: "ada", messages: HELLO });
    expect(result.usageEstimated).toBe(true);
    expect(result.usage.completionTokens).toBe(10); // 40 characters, 4 a token
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("sends no Authorization header to a keyless local server", async () => {
    const { broker } = testBroker(fake, { endpoint: { baseURL: fake.url, apiKey: null, model: "llama3.2" } });
    fake.script(textReply("hi"));
    await broker.stream({ agentId: "ada", messages: HELLO });
    expect(fake.requests[0]!.headers).not.toHaveProperty("authorization");
  });
});
