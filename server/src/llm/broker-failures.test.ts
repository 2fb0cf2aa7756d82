import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorReply, startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { failure, HELLO, TEST_KEY, testBroker } from "./test-fixtures";

/** Failures against a real HTTP server: rate limits, 5xx, hangs, garbage, resets, and the key kept secret. */

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe("LlmBroker retries", () => {
  it("waits out a 429's Retry-After (seconds), then succeeds", async () => {
    // Backoff alone would wait ~5 ms: a wait of a second can only come from the header.
    const { broker, records } = testBroker(fake);
    fake.script(errorReply(429, { retryAfter: "1" }), textReply("after the wait"));
    const t0 = performance.now();
    const result = await broker.stream({ agentId: "ada", messages: HELLO });
    expect(result.text).toBe("after the wait");
    expect(result.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
    const gap = fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(gap).toBeLessThan(1_500);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: "ok", attempts: 2 });
  });

  it("honours retry-after-ms too", async () => {
    const { broker } = testBroker(fake);
    fake.script(errorReply(429, { headers: { "retry-after-ms": "150" } }), textReply("ok"));
    await broker.stream({ agentId: "ada", messages: HELLO });
    expect(fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(145);
  });

  it("gives up at once when Retry-After is longer than it is willing to wait", async () => {
    const { broker } = testBroker(fake, {}, { maxRetryAfterMs: 2_000 });
    fake.script(errorReply(429, { retryAfter: "60" }), textReply("never sent"));
    const t0 = performance.now();
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("rate_limited");
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/asked to wait 60 s/);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries 500s with backoff and fails with server_error after the last retry", async () => {
    const { broker, records } = testBroker(fake, {}, { maxRetries: 3 });
    fake.script(errorReply(500), errorReply(502), errorReply(503), errorReply(500, { message: "still broken" }), textReply("too late"));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("server_error");
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(4);
    expect(err.message).toMatch(/still broken.*gave up after 4 attempts/);
    expect(fake.requests).toHaveLength(4);
    expect(fake.pending).toBe(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: "error", attempts: 4, error: { kind: "server_error" } });
  });

  it("does not retry a 400", async () => {
    const { broker } = testBroker(fake);
    fake.script(errorReply(400, { message: "model not found" }), textReply("never"));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("bad_request");
    expect(err.message).toContain("model not found");
    expect(fake.requests).toHaveLength(1);
  });
});

describe("LlmBroker timeouts and broken streams", () => {
  it("times out a request that never answers, aborting it at the server, and retries it", async () => {
    const { broker } = testBroker(fake, {}, { idleTimeoutMs: 150, maxRetries: 1 });
    fake.script({ type: "hang" }, { type: "hang" });
    const t0 = performance.now();
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/silent for 150 ms.*2 attempts/);
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(fake.requests).toHaveLength(2);
    await fake.waitFor(() => fake.stats.disconnects === 2);
  });

  it("lets a slow but steady stream run longer than the idle timeout", async () => {
    const { broker } = testBroker(fake, {}, { idleTimeoutMs: 150, maxRetries: 0 });
    fake.script(textReply("slow and steady", { chunkSize: 3, delayMs: 60, firstChunkDelayMs: 100 }));
    const t0 = performance.now();
    const result = await broker.stream({ agentId: "ada", messages: HELLO });
    expect(result.text).toBe("slow and steady");
    expect(performance.now() - t0).toBeGreaterThan(300);
  });

  it("times out a whole attempt that trickles on too long", async () => {
    const { broker } = testBroker(fake, {}, { attemptTimeoutMs: 200, idleTimeoutMs: 1_000, maxRetries: 0 });
    fake.script(textReply("a very slow answer", { chunkSize: 1, delayMs: 40 }));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/within 200 ms/);
    await fake.waitFor(() => fake.stats.disconnects === 1);
  });

  it("times out a stream that goes silent after some text, and does not repeat that text", async () => {
    const { broker, records } = testBroker(fake, {}, { idleTimeoutMs: 150 });
    fake.script(textReply("Hello there", { chunkSize: 5, cut: { afterChunks: 3, how: "hang" } }), textReply("not used"));
    const deltas: string[] = [];
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO, onDelta: (d) => deltas.push(d) }));
    expect(err.kind).toBe("timeout");
    expect(deltas).toEqual(["Hello", " ther"]);
    expect(fake.requests).toHaveLength(1);
    expect(records[0]!.response.text).toBe("Hello ther");
  });

  it("retries an error event inside the stream as a server error", async () => {
    const { broker } = testBroker(fake, {}, { maxRetries: 1 });
    const errorEvent = `data: ${JSON.stringify({ error: { message: "model overloaded", type: "server_error" } })}\n\n`;
    fake.script({ type: "raw", body: errorEvent }, { type: "raw", body: errorEvent });
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("server_error");
    expect(err.message).toMatch(/mid-stream: model overloaded/);
    expect(fake.requests).toHaveLength(2);
  });

  it("reports garbled SSE as bad_response, without retrying", async () => {
    const { broker } = testBroker(fake);
    fake.script({ type: "garbled" }, textReply("not used"));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toMatch(/not valid JSON/);
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a stream that ends without a finish reason as bad_response", async () => {
    const { broker } = testBroker(fake, {}, { maxRetries: 0 });
    fake.script(textReply("cut short", { finishReason: null }));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toMatch(/finish_reason/);
  });

  it("retries a connection reset before any output, and succeeds", async () => {
    const { broker } = testBroker(fake);
    fake.script({ type: "reset" }, textReply("x", { cut: { afterChunks: 1, how: "reset" } }), textReply("third time lucky"));
    const result = await broker.stream({ agentId: "ada", messages: HELLO });
    expect(result.text).toBe("third time lucky");
    expect(result.attempts).toBe(3);
    expect(fake.requests).toHaveLength(3);
  });

  it("fails with network, without retrying, when the connection resets after text has streamed", async () => {
    const { broker } = testBroker(fake);
    fake.script(textReply("Hello there", { chunkSize: 4, delayMs: 20, cut: { afterChunks: 2, how: "reset" } }), textReply("not used"));
    const deltas: string[] = [];
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO, onDelta: (d) => deltas.push(d) }));
    expect(err.kind).toBe("network");
    expect(deltas).toEqual(["Hell"]);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a reset in the middle of a tool call (the caller has seen nothing yet)", async () => {
    const { broker } = testBroker(fake);
    const call = { id: "c1", name: "say", arguments: '{"text":"a fairly long thing to say"}' };
    fake.script(
      toolCallReply([call], { argsChunkSize: 4, delayMs: 10, cut: { afterChunks: 4, how: "reset" } }),
      toolCallReply([call], { argsChunkSize: 4 }),
    );
    const result = await broker.stream({ agentId: "ada", messages: HELLO });
    expect(result.toolCalls).toEqual([call]);
    expect(result.attempts).toBe(2);
  });

  it("reports a connection refused as network", async () => {
    const closed = await (await import("../../../e2e/fake-openai")).startFakeOpenAI();
    const url = closed.url;
    await closed.close();
    const { broker } = testBroker(fake, { endpoint: { baseURL: url, apiKey: TEST_KEY, model: "m" } }, { maxRetries: 1 });
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("network");
    expect(err.attempts).toBe(2);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it("turns a throwing onDelta into an unexpected error and lets the connection go", async () => {
    const { broker } = testBroker(fake);
    fake.script(textReply("Hello there, slowly", { chunkSize: 2, delayMs: 20 }));
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO, onDelta: () => { throw new Error("bubble full"); } }));
    expect(err.kind).toBe("unexpected");
    expect(err.message).toMatch(/onDelta threw: bubble full/);
    await fake.waitFor(() => fake.stats.disconnects === 1);
  });
});

describe("LlmBroker secrecy", () => {
  it("never lets the API key into errors, records or logs, even when the upstream echoes it", async () => {
    const { broker, records, logs } = testBroker(fake);
    fake.script(
      (req) => errorReply(500, { message: `upstream echo: ${String(req.headers.authorization)}` }),
      (req) => errorReply(401, { message: `Incorrect API key provided: ${String(req.headers.authorization).replace("Bearer ", "")}` }),
      textReply(`I saw ${TEST_KEY} in the prompt`),
    );
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("auth");
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`); // it was sent...
    expect(err.message).toContain("Incorrect API key provided: [redacted]"); // ...and is never repeated
    expect(err.message).not.toContain(TEST_KEY);
    expect(err.stack ?? "").not.toContain(TEST_KEY);

    const ok = await broker.stream({ agentId: "ada", messages: [{ role: "user", content: `my key is ${TEST_KEY}` }] });
    expect(ok.text).toContain(TEST_KEY); // the caller gets the model's answer as it is

    expect(logs.some((l) => l.includes("upstream echo: Bearer [redacted]"))).toBe(true); // the retry was logged, redacted
    expect(records).toHaveLength(2);
    const everything = JSON.stringify(records) + logs.join("") + JSON.stringify(err);
    expect(everything).not.toContain(TEST_KEY);
    // DLP (./dlp.ts) took the key out before the request left: the record shows what was sent.
    expect(records[1]!.messages[0]!.content).toBe("my key is [redacted:api-key]");
    expect(fake.requests[2]!.body?.messages?.[0]?.content).toBe("my key is [redacted:api-key]");
  });
});
