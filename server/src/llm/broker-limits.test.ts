import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorReply, startFakeOpenAI, textReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { BudgetLedger } from "./budget-ledger";
import { CircuitBreakerRegistry } from "./circuit-breaker";
import { failure, HELLO, testBroker } from "./test-fixtures";

/** The broker's guards against a real HTTP server: circuit breaker, concurrency, budgets, cancellation. */

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("LlmBroker circuit breaker", () => {
  it("opens after N failures, refuses without HTTP calls while open, and a half-open probe closes it", async () => {
    const cooldownMs = 300;
    const { broker, records } = testBroker(fake, {}, { maxRetries: 0, breakerFailureThreshold: 3, breakerCooldownMs: cooldownMs });
    fake.script(errorReply(500), errorReply(502), errorReply(503));
    for (let i = 0; i < 3; i++) expect((await failure(broker.stream({ agentId: "ada", messages: HELLO }))).kind).toBe("server_error");
    expect(broker.circuitState).toBe("open");

    const refused = await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    expect(refused.kind).toBe("circuit_open");
    expect(refused.message).toMatch(/calls are paused.*last error: .*503/);
    expect(fake.requests).toHaveLength(3); // no HTTP call while open
    expect(records.at(-1)).toMatchObject({ outcome: "error", attempts: 0, error: { kind: "circuit_open" } });

    await sleep(cooldownMs + 20);
    fake.script(textReply("I am back", { delayMs: 20, chunkSize: 2 }));
    const probe = broker.stream({ agentId: "ada", messages: HELLO });
    await fake.waitFor(() => fake.requests.length === 4);
    expect(broker.circuitState).toBe("half_open");
    // While the single probe is out, others are refused.
    expect((await failure(broker.stream({ agentId: "bo", messages: HELLO }))).kind).toBe("circuit_open");
    expect((await probe).text).toBe("I am back");
    expect(broker.circuitState).toBe("closed");
    expect(fake.requests).toHaveLength(4);

    fake.script(textReply("normal again"));
    expect((await broker.stream({ agentId: "bo", messages: HELLO })).text).toBe("normal again");
  });

  it("a failed probe opens the circuit again", async () => {
    const { broker } = testBroker(fake, {}, { maxRetries: 0, breakerFailureThreshold: 1, breakerCooldownMs: 100 });
    fake.script(errorReply(500), errorReply(500));
    await failure(broker.stream({ agentId: "ada", messages: HELLO }));
    await sleep(120);
    expect((await failure(broker.stream({ agentId: "ada", messages: HELLO }))).kind).toBe("server_error");
    expect(broker.circuitState).toBe("open");
    expect((await failure(broker.stream({ agentId: "ada", messages: HELLO }))).kind).toBe("circuit_open");
    expect(fake.requests).toHaveLength(2);
  });

  it("counts failed retries, so one call can open it, and brokers sharing a registry share the circuit", async () => {
    const breakers = new CircuitBreakerRegistry({ failureThreshold: 2, cooldownMs: 60_000 });
    const a = testBroker(fake, { breakers }, { maxRetries: 5 });
    const b = testBroker(fake, { breakers });
    fake.script(errorReply(500), errorReply(500), textReply("never"));
    const err = await failure(a.broker.stream({ agentId: "ada", messages: HELLO }));
    expect(err.kind).toBe("circuit_open");
    expect(fake.requests).toHaveLength(2);
    expect(b.broker.circuitState).toBe("open");
    expect((await failure(b.broker.stream({ agentId: "bo", messages: HELLO }))).kind).toBe("circuit_open");
  });

  it("rate limits, refused keys and caller aborts do not count against the upstream", async () => {
    const { broker } = testBroker(fake, {}, { maxRetries: 0, breakerFailureThreshold: 1 });
    fake.script(errorReply(429), errorReply(401), { type: "hang" });
    expect((await failure(broker.stream({ agentId: "ada", messages: HELLO }))).kind).toBe("rate_limited");
    expect((await failure(broker.stream({ agentId: "ada", messages: HELLO }))).kind).toBe("auth");
    const controller = new AbortController();
    const hanging = broker.stream({ agentId: "ada", messages: HELLO, signal: controller.signal });
    await fake.waitFor(() => fake.requests.length === 3);
    controller.abort();
    expect((await failure(hanging)).kind).toBe("aborted");
    await fake.waitFor(() => fake.stats.disconnects === 1);
    expect(broker.circuitState).toBe("closed");
  });
});

describe("LlmBroker concurrency", () => {
  it("never has more than K calls in flight at the upstream; the rest queue and all finish", async () => {
    const { broker } = testBroker(fake, {}, { maxConcurrentCalls: 2 });
    fake.setDefault(textReply("queued up answer", { chunkSize: 4, delayMs: 40 }));
    try {
      const calls = Array.from({ length: 6 }, (_, i) => broker.stream({ agentId: `a${i}`, messages: HELLO }));
      await fake.waitFor(() => fake.stats.inFlight === 2);
      expect(broker.inFlight).toBe(2);
      expect(broker.queued).toBe(4);
      const results = await Promise.all(calls);
      expect(results.map((r) => r.text)).toEqual(Array(6).fill("queued up answer"));
      expect(fake.requests).toHaveLength(6);
      expect(fake.stats.maxInFlight).toBe(2);
      expect(broker.inFlight).toBe(0);
    } finally {
      fake.setDefault(null);
    }
  });

  it("a queued call that is aborted leaves the queue and never reaches the upstream", async () => {
    const { broker } = testBroker(fake, {}, { maxConcurrentCalls: 1 });
    fake.script(textReply("first", { chunkSize: 1, delayMs: 30 }), textReply("third"));
    const first = broker.stream({ agentId: "a", messages: HELLO });
    const controller = new AbortController();
    const second = broker.stream({ agentId: "b", messages: HELLO, signal: controller.signal });
    const third = broker.stream({ agentId: "c", messages: HELLO });
    expect(broker.queued).toBe(2);
    controller.abort();
    expect((await failure(second)).kind).toBe("aborted");
    expect((await first).text).toBe("first");
    expect((await third).text).toBe("third");
    expect(fake.requests).toHaveLength(2);
  });
});

describe("LlmBroker budgets", () => {
  it("refuses with kind budget, making no HTTP call, once a cap is reached", async () => {
    const ledger = new BudgetLedger({ perAgentUsd: 0.01, perWorkspaceUsd: null });
    ledger.record("ada", "w1", 0.01); // seeded, e.g. from the database
    const { broker, records } = testBroker(fake, { ledger });
    fake.script(textReply("never"));
    const err = await failure(broker.stream({ agentId: "ada", workspace: "w1", messages: HELLO }));
    expect(err.kind).toBe("budget");
    expect(err.message).toMatch(/agent "ada" has spent \$0\.0100 of its \$0\.0100/);
    expect(fake.requests).toHaveLength(0);
    expect(records[0]).toMatchObject({ outcome: "error", attempts: 0, costUsd: 0, error: { kind: "budget" } });
  });

  it("books each call's cost, so the call that crosses the cap is the last one", async () => {
    const ledger = new BudgetLedger({ perAgentUsd: null, perWorkspaceUsd: 0.05 });
    const prices = { default: { input: 10, output: 30 }, models: {} };
    const { broker } = testBroker(fake, { ledger, prices });
    const usage = { prompt_tokens: 1000, completion_tokens: 1000 }; // $0.04 a call
    fake.script(textReply("one", { usage }), textReply("two", { usage }), textReply("three", { usage }));
    expect((await broker.stream({ agentId: "ada", workspace: "w", messages: HELLO })).costUsd).toBeCloseTo(0.04, 10);
    expect(ledger.remaining("bo", "w")).toBeCloseTo(0.01, 10);
    await broker.stream({ agentId: "bo", workspace: "w", messages: HELLO });
    const err = await failure(broker.stream({ agentId: "cy", workspace: "w", messages: HELLO }));
    expect(err.kind).toBe("budget");
    expect(err.message).toMatch(/workspace "w"/);
    expect(fake.requests).toHaveLength(2);
  });
});

describe("LlmBroker cancellation", () => {
  it("an external abort mid-stream fails with aborted and reaches the upstream as a disconnect", async () => {
    const { broker, records } = testBroker(fake);
    fake.script(textReply("a long answer that will be interrupted", { chunkSize: 2, delayMs: 15 }), textReply("not used"));
    const controller = new AbortController();
    const deltas: string[] = [];
    const call = broker.stream({
      agentId: "ada",
      messages: HELLO,
      signal: controller.signal,
      onDelta: (d) => {
        deltas.push(d);
        if (deltas.length === 3) controller.abort();
      },
    });
    const err = await failure(call);
    expect(err.kind).toBe("aborted");
    expect(deltas).toEqual(["a ", "lo", "ng"]);
    await fake.waitFor(() => fake.stats.disconnects === 1);
    expect(fake.requests).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: "error", error: { kind: "aborted" }, response: { text: "a long" } });
  });

  it("an abort while waiting to retry stops at once", async () => {
    const { broker } = testBroker(fake, {}, { backoffBaseMs: 5_000, backoffMaxMs: 5_000 });
    fake.script(errorReply(500), textReply("not used"));
    const controller = new AbortController();
    const call = broker.stream({ agentId: "ada", messages: HELLO, signal: controller.signal });
    await fake.waitFor(() => fake.requests.length === 1);
    await sleep(20);
    const t0 = performance.now();
    controller.abort();
    expect((await failure(call)).kind).toBe("aborted");
    expect(performance.now() - t0).toBeLessThan(1_000); // the backoff would have been 2.5–5 s
    expect(fake.requests).toHaveLength(1);
  });

  it("an already-aborted signal sends nothing", async () => {
    const { broker } = testBroker(fake);
    const err = await failure(broker.stream({ agentId: "ada", messages: HELLO, signal: AbortSignal.abort() }));
    expect(err.kind).toBe("aborted");
    expect(fake.requests).toHaveLength(0);
  });
});
