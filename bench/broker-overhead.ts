import { monitorEventLoopDelay } from "node:perf_hooks";
import { startFakeOpenAI, textReply, type FakeOpenAI } from "../e2e/fake-openai";
import { LlmBroker } from "../server/src/llm/broker";
import { createOpenAIClient } from "../server/src/llm/openai-client";
import { DEFAULT_MAX_CONCURRENT_CALLS } from "../server/src/llm/tunables";
import type { LlmMessage } from "../server/src/llm/types";
import type { Outcome, Row } from "./report";
import { percentile } from "./stats";

/** Goal (DESIGN.md, Performance budgets): the broker adds at most this to time-to-first-token, p50. */
export const BROKER_OVERHEAD_GOAL_MS = 2;
/** The concurrent-streams part of the budget. */
export const BROKER_CONCURRENT_CALLS = 50;
/** The upstream's answer in the TTFT samples: 16 content chunks, sent as fast as possible. */
const SAMPLE_REPLY = "The quick brown fox jumps over the lazy dog, then the next one.";
const SAMPLE_CHUNK_CHARS = 4;
/** Each concurrent call streams this many chunks, one every CONCURRENT_CHUNK_DELAY_MS (about 1 s a call). */
const CONCURRENT_CHUNKS = 100;
const CONCURRENT_CHUNK_DELAY_MS = 10;
const MODEL = "bench-model";
const KEY = "sk-bench-not-a-real-key";
const MESSAGES: LlmMessage[] = [
  { role: "system", content: "You are Ada, a researcher in the Research Lab." },
  { role: "user", content: "What are you working on?" },
];

export interface BrokerOverheadOptions {
  /** TTFT samples per path (broker and direct), after the warm-up. */
  samples: number;
  /** Untimed calls per path first (connection set-up, JIT). */
  warmup: number;
  /** Streaming calls started at once through the broker. */
  concurrentCalls: number;
}

export interface BrokerOverheadResult {
  samples: number;
  brokerP50Ms: number;
  directP50Ms: number;
  /** brokerP50Ms − directP50Ms: the figure the goal is on. */
  addedP50Ms: number;
  /** The median of the per-pair differences (each pair ran back to back), for comparison. */
  pairedDiffP50Ms: number;
  brokerP99Ms: number;
  directP99Ms: number;
  goalMs: number;
  concurrent: {
    calls: number;
    ok: number;
    failures: string[];
    wallMs: number;
    /** Most requests open at the upstream at once. */
    maxInFlight: number;
    /** This process's event-loop delay while the calls streamed. */
    loopDelayP99Ms: number;
  };
}

/**
 * Time-to-first-token through the broker versus the same SDK client used directly, against
 * the same fake upstream (e2e/fake-openai.ts, a real HTTP server on loopback), in one run with
 * the same number of samples, interleaved and alternating which path goes first. Then
 * `concurrentCalls` streaming calls through the broker at once.
 */
export async function runBrokerOverhead(options: BrokerOverheadOptions): Promise<BrokerOverheadResult> {
  const fake = await startFakeOpenAI();
  try {
    fake.setDefault(textReply(SAMPLE_REPLY, { chunkSize: SAMPLE_CHUNK_CHARS }));
    const endpoint = { baseURL: fake.url, apiKey: KEY, model: MODEL };
    const broker = new LlmBroker({ endpoint, limits: { maxConcurrentCalls: Math.max(options.concurrentCalls, 1) } });
    const direct = createOpenAIClient(endpoint, broker.limits.attemptTimeoutMs);

    const viaBroker = async (): Promise<number> => {
      const t0 = performance.now();
      let ttft = Number.NaN;
      await broker.stream({
        agentId: "bench",
        messages: MESSAGES,
        onDelta: () => {
          if (Number.isNaN(ttft)) ttft = performance.now() - t0;
        },
      });
      return ttft;
    };
    const viaSdk = async (): Promise<number> => {
      const t0 = performance.now();
      let ttft = Number.NaN;
      const stream = await direct.chat.completions.create(
        { model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
        { maxRetries: 0 },
      );
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content && Number.isNaN(ttft)) ttft = performance.now() - t0;
      }
      return ttft;
    };

    for (let i = 0; i < options.warmup; i++) {
      await viaBroker();
      await viaSdk();
    }
    const brokerTtft: number[] = [];
    const directTtft: number[] = [];
    const diffs: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      let b: number;
      let d: number;
      if (i % 2 === 0) {
        b = await viaBroker();
        d = await viaSdk();
      } else {
        d = await viaSdk();
        b = await viaBroker();
      }
      if (Number.isNaN(b) || Number.isNaN(d)) throw new Error("a sample streamed no content");
      brokerTtft.push(b);
      directTtft.push(d);
      diffs.push(b - d);
    }

    const concurrent = await runConcurrent(fake, broker, options.concurrentCalls);
    const brokerP50Ms = percentile(brokerTtft, 50);
    const directP50Ms = percentile(directTtft, 50);
    return {
      samples: options.samples,
      brokerP50Ms,
      directP50Ms,
      addedP50Ms: brokerP50Ms - directP50Ms,
      pairedDiffP50Ms: percentile(diffs, 50),
      brokerP99Ms: percentile(brokerTtft, 99),
      directP99Ms: percentile(directTtft, 99),
      goalMs: BROKER_OVERHEAD_GOAL_MS,
      concurrent,
    };
  } finally {
    await fake.close();
  }
}

async function runConcurrent(fake: FakeOpenAI, broker: LlmBroker, calls: number): Promise<BrokerOverheadResult["concurrent"]> {
  fake.reset();
  fake.setDefault(textReply("x".repeat(CONCURRENT_CHUNKS), { chunkSize: 1, delayMs: CONCURRENT_CHUNK_DELAY_MS }));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t0 = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: calls }, (_, i) => broker.stream({ agentId: `agent-${i}`, messages: MESSAGES })));
  const wallMs = performance.now() - t0;
  loop.disable();
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
  return {
    calls,
    ok: calls - failures.length,
    failures: failures.slice(0, 3),
    wallMs,
    maxInFlight: fake.stats.maxInFlight,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const SCENARIO = "LLM broker";
const METRIC = "time to first token added vs the SDK direct, p50";
const GOAL = `≤ ${BROKER_OVERHEAD_GOAL_MS} ms`;

/** The report's rows for this scenario (none when it was not run). */
export function brokerOverheadRows(outcome: Outcome<BrokerOverheadResult> | undefined): Row[] {
  if (!outcome) return [];
  if (!outcome.ok) return [{ scenario: SCENARIO, metric: METRIC, goal: GOAL, measured: "—", value: null, unit: "", status: "error", note: outcome.error.split("\n")[0] ?? "" }];
  const r = outcome.result;
  const c = r.concurrent;
  return [
    {
      scenario: SCENARIO,
      metric: METRIC,
      goal: GOAL,
      measured: `${ms(r.addedP50Ms)} (broker ${ms(r.brokerP50Ms)}, direct ${ms(r.directP50Ms)})`,
      value: r.addedP50Ms,
      unit: "ms",
      status: r.addedP50Ms <= r.goalMs ? "pass" : "fail",
      note: `${r.samples} samples per path, interleaved; median paired difference ${ms(r.pairedDiffP50Ms)}`,
    },
    {
      scenario: SCENARIO,
      metric: `${c.calls} concurrent streaming calls: all finish`,
      goal: `${c.calls}/${c.calls} ok`,
      measured: `${c.ok}/${c.calls} ok in ${ms(c.wallMs)}; ${c.maxInFlight} open at once; event-loop delay p99 ${ms(c.loopDelayP99Ms)}`,
      value: c.ok,
      unit: "calls",
      status: c.ok === c.calls && c.calls > 0 ? "pass" : "fail",
      ...(c.failures[0] ? { note: c.failures[0] } : {}),
    },
  ];
}

/** The details section of docs/BENCHMARKS.md. */
export function brokerOverheadDetails(outcome: Outcome<BrokerOverheadResult> | undefined): string[] {
  if (!outcome) return [];
  const out = ["\n### LLM broker\n"];
  if (!outcome.ok) {
    out.push(`Could not run: ${outcome.error}`);
    return out;
  }
  const r = outcome.result;
  const c = r.concurrent;
  out.push(
    `Time to first token over ${r.samples} interleaved samples per path: broker p50 ${ms(r.brokerP50Ms)} (p99 ${ms(r.brokerP99Ms)}), ` +
      `SDK direct p50 ${ms(r.directP50Ms)} (p99 ${ms(r.directP99Ms)}); added ${ms(r.addedP50Ms)}, median paired difference ${ms(r.pairedDiffP50Ms)}; ` +
      `goal ≤ ${ms(r.goalMs)}. ${c.calls} concurrent calls of ${CONCURRENT_CHUNKS} chunks every ${CONCURRENT_CHUNK_DELAY_MS} ms ` +
      `(this broker allows ${c.calls} at once; the default limit is ${DEFAULT_MAX_CONCURRENT_CALLS}): ` +
      `${c.ok} ok in ${ms(c.wallMs)}, at most ${c.maxInFlight} open at the upstream, event-loop delay p99 ${ms(c.loopDelayP99Ms)} ` +
      "(the fake upstream shares this process, so it is a pessimistic figure).",
  );
  return out;
}
