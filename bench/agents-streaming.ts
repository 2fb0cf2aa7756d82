import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { startFakeOpenAI, textReply, type FakeOpenAI } from "../e2e/fake-openai";
import { MAX_AGENT_BUDGET_USD, MAX_AGENTS, type ToolName } from "../shared/agents";
import { DEFAULT_WORKSPACE } from "../shared/constants";
import { AgentServerMessage, type SpeechPayload } from "../shared/protocol/agent-messages";
import { ClientMessage } from "../shared/protocol/messages";
import type { TalkPayload } from "../shared/protocol/schemas";
import type { WorkspaceState } from "../shared/state";
import { defaultLimits, loadLlmSettings } from "../server/src/llm/llm-settings";
import { writeBenchRoster } from "./bench-roster";
import { onExitCleanup } from "./exit-cleanup";
import type { Outcome, Row } from "./report";
import { startServer, type RunningServer, type TickSummary } from "./server-process";
import { SimClient } from "./sim-client";
import { percentile, sleep } from "./stats";

/** Goal (DESIGN.md, Performance budgets): server tick p99 while the agents stream. */
export const AGENTS_STREAMING_TICK_P99_GOAL_MS = 5;
/** The budget's agent count: "holds 50 concurrent streaming agent calls". */
export const AGENTS_STREAMING_AGENTS = 50;
/** Each reply streams over about this long (ms): AGENTS_STREAMING_CHUNKS content chunks, evenly spaced. */
export const AGENTS_STREAMING_STREAM_MS = 2_000;
/** Content chunks per reply (80 × 25 ms = 2 s by default). */
export const AGENTS_STREAMING_CHUNKS = 80;
/** Characters per content chunk (a token is about 4 characters). */
export const AGENTS_STREAMING_CHUNK_CHARS = 4;
/** Rounds of "talk to every agent at once, wait until all have finished", in one measured window. */
export const AGENTS_STREAMING_ROUNDS = 3;
/** Untimed rounds first: the first talk after start-up pays one-off costs that are not the steady state. */
export const AGENTS_STREAMING_WARMUP_ROUNDS = 1;
/** After its stream should have ended, how long every agent gets to finish and go idle (ms). */
const FINISH_MARGIN_MS = 15_000;
/** How long the agents may take to appear in the client's state, and to be idle before a round (ms). */
const READY_TIMEOUT_MS = 10_000;
/** Poll interval of the waits (ms). */
const POLL_MS = 10;
/** The fake upstream's model name and key; the key only has to be non-empty. */
const MODEL = "bench-model";
const KEY = "sk-bench-not-a-real-key";
/** What the person asks each agent, and what the fake model answers (repeated to length). */
const TALK_TEXT = "Could you give me a short status update on what you are doing?";
const REPLY_TEXT = "Here is where things stand: the brief is drafted, two open questions remain, and I will share the summary shortly. ";
/** Every bench agent gets these tools (the reply is plain text, so none is called). */
const AGENT_TOOLS: ToolName[] = ["say", "move_to", "update_task", "ask_human", "escalate"];
/** Server output kept with a failure (characters). */
const FAILURE_OUTPUT_CHARS = 2_000;

export interface AgentsStreamingOptions {
  /** Agents in the roster, all talked to at once. Default AGENTS_STREAMING_AGENTS (at most MAX_AGENTS). */
  agents?: number;
  /** How long each reply streams (ms). Default AGENTS_STREAMING_STREAM_MS. */
  streamMs?: number;
  /** Content chunks per reply. Default AGENTS_STREAMING_CHUNKS. */
  chunks?: number;
  /** Rounds in the measured window. Default AGENTS_STREAMING_ROUNDS. */
  rounds?: number;
  /** Rounds before the window, kept out of it. Default AGENTS_STREAMING_WARMUP_ROUNDS. */
  warmupRounds?: number;
  onProgress?: (message: string) => void;
}

export interface AgentsStreamingResult {
  agents: number;
  rounds: number;
  streamMs: number;
  chunks: number;
  /** Agents the client saw in the room's state. */
  agentsInRoom: number;
  /** From talk sent to every agent finished, per round (ms). */
  roundMs: number[];
  /**
   * From talk sent to each agent's first streamed words, over the window's rounds (ms): how long
   * the burst of fifty talks takes to reach every model call (spread over ticks by the runtime).
   */
  firstSpeechMs: { p50: number; max: number };
  /** The untimed rounds before the window, with the tick figures they had on their own (null when none). */
  warmup: { rounds: number; roundMs: number[]; tickMs: TickSummary | null };
  measuredS: number;
  /** GET /metrics after a reset just before the first talk: the room's own work per patch interval. */
  tickMs: TickSummary;
  /** The same window's process busy time per interval (the LLM streams' parsing and socket I/O included). */
  busyMs: TickSummary;
  /**
   * The tick in one extra round, measured from the moment every agent was speaking until all were
   * idle: the streaming alone, without the interval that handled the talks. Null when not run
   * (the window's rounds failed) or when not every agent was speaking at once.
   */
  streamingOnly: { measuredS: number; tickMs: TickSummary } | null;
  /** Most agents in state "speaking" at once, as one client saw them (checked after every patch). */
  maxSpeaking: number;
  /** Agents that finished every round: their utterance ended and they were back to "idle". */
  finished: number;
  /** Agents seen "offline" or "paused", with the reason, e.g. "bench-07: offline (upstream timeout)". */
  failed: string[];
  /** Agents that had not finished when the wait ran out. */
  unfinished: string[];
  upstream: {
    /** Chat-completion requests the fake upstream received (one per agent per round when all goes well). */
    requests: number;
    /** Most requests open at the fake upstream at once. */
    maxInFlight: number;
    /** Requests the server gave up on before the reply was complete. */
    disconnects: number;
  };
  speech: {
    /** `speech` messages the client received in the window, done ones included. */
    messages: number;
    messagesPerS: number;
    /** Characters of streamed text received, against what the upstream sent. */
    chars: number;
    expectedChars: number;
  };
  /** Everything the client received, per second (WebSocket payload bytes). */
  downstreamBytesPerS: number;
  /** "error" messages the client received. Must be 0. */
  errors: number;
  errorSamples: string[];
  /** Server CPU in the window, % of one core; null where /proc is missing. */
  serverCpuPercent: number | null;
  serverMemoryMb: number;
}

interface BenchFiles {
  dir: string;
  roster: string;
  llm: string;
}

function agentId(i: number): string {
  return `bench-${String(i + 1).padStart(2, "0")}`; // writeBenchRoster's ids with prefix "bench"
}

/** A roster of `count` agents (writeBenchRoster) and an LLM config that never stops them. */
function writeConfig(count: number): BenchFiles {
  const roster = writeBenchRoster(count, {
    prefix: "bench",
    label: "Bench",
    role: "Bench agent",
    persona: (i, district) => `You are Bench ${i}, a load-test agent in ${district}. You answer every question with a short status update in two or three sentences.`,
    tools: AGENT_TOOLS,
    budgetUsd: MAX_AGENT_BUDGET_USD,
  });
  // The shape of config/llm.yaml. Prices 0 and no caps, so no budget ever stops an agent; every
  // agent may stream at once; no retries, so a failed call shows as a failed agent.
  const llm = {
    prices: { default: { input: 0, output: 0 }, models: { [MODEL]: { input: 0, output: 0 } } },
    budgets: { perAgentUsd: null, perWorkspaceUsd: null },
    limits: { ...defaultLimits(), maxConcurrentCalls: Math.max(count, 1), maxRetries: 0 },
  };
  const files: BenchFiles = { dir: roster.dir, roster: roster.file, llm: path.join(roster.dir, "llm.yaml") };
  fs.writeFileSync(files.llm, stringify(llm));
  // Fail here, with the field, rather than in the server's start-up output.
  loadLlmSettings(files.llm);
  return files;
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/**
 * N LLM-driven agents stream a reply at the same time while the server's tick is measured.
 * The upstream is the fake OpenAI-compatible server (e2e/fake-openai.ts) in this process; the
 * server is the real one in its own process, with a generated roster and LLM config. One real
 * SDK client joins, talks to every agent at once and watches them speak.
 */
export async function runAgentsStreaming(options: AgentsStreamingOptions = {}): Promise<AgentsStreamingResult> {
  const agents = options.agents ?? AGENTS_STREAMING_AGENTS;
  const streamMs = options.streamMs ?? AGENTS_STREAMING_STREAM_MS;
  const chunks = options.chunks ?? AGENTS_STREAMING_CHUNKS;
  const rounds = options.rounds ?? AGENTS_STREAMING_ROUNDS;
  const warmupRounds = options.warmupRounds ?? AGENTS_STREAMING_WARMUP_ROUNDS;
  const progress = options.onProgress ?? (() => {});
  if (!Number.isInteger(agents) || agents < 1 || agents > MAX_AGENTS) throw new Error(`agents must be 1 to ${MAX_AGENTS}, got ${agents}`);
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`chunks must be a positive integer, got ${chunks}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, got ${rounds}`);
  if (!Number.isInteger(warmupRounds) || warmupRounds < 0) throw new Error(`warmupRounds must be 0 or more, got ${warmupRounds}`);

  const files = writeConfig(agents);
  const removeFiles = () => fs.rmSync(files.dir, { recursive: true, force: true });
  const unregister = onExitCleanup(removeFiles);
  let fake: FakeOpenAI | null = null;
  let server: RunningServer | null = null;
  let client: SimClient | null = null;
  try {
    fake = await startFakeOpenAI();
    const reply = REPLY_TEXT.repeat(Math.ceil((chunks * AGENTS_STREAMING_CHUNK_CHARS) / REPLY_TEXT.length)).slice(0, chunks * AGENTS_STREAMING_CHUNK_CHARS);
    // The role chunk goes at once; each content chunk (then finish and usage) follows after delayMs.
    fake.setDefault(textReply(reply, { chunkSize: AGENTS_STREAMING_CHUNK_CHARS, delayMs: streamMs / chunks }));

    progress(`starting the server with ${agents} LLM agents`);
    server = await startServer({
      env: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: KEY,
        ATRIUM_MODEL: MODEL,
        ATRIUM_LLM_CONFIG: files.llm,
        ATRIUM_AGENTS: files.roster,
        // One bench client stands in for fifty people, each talking to one agent: it may send
        // what fifty people would (the per-person limits would rightly cut one person doing so).
        ATRIUM_LIMITS: JSON.stringify({ kinds: { chat: { perSecond: agents * 2, burst: agents * 2 } }, total: { perSecond: 60 + agents * 2, burst: 120 + agents * 2 }, llmActionsPerMinute: agents * 20 }),
      },
    });
    const s = server;
    try {
      return await measure(s, fake, { agents, streamMs, chunks, rounds, warmupRounds, replyChars: reply.length, progress }, (c) => {
        client = c;
      });
    } catch (err) {
      const report = s.exitReport();
      const message = err instanceof Error ? err.message : String(err);
      if (report !== null) throw new Error(`${message} (${report})`);
      throw new Error(`${message}\nserver output:\n${s.output().slice(-FAILURE_OUTPUT_CHARS).trim()}`);
    }
  } finally {
    await (client as SimClient | null)?.leave();
    await server?.stop();
    await fake?.close();
    removeFiles();
    unregister();
  }
}

interface MeasureSettings {
  agents: number;
  streamMs: number;
  chunks: number;
  rounds: number;
  warmupRounds: number;
  replyChars: number;
  progress: (message: string) => void;
}

async function measure(server: RunningServer, fake: FakeOpenAI, m: MeasureSettings, onClient: (c: SimClient) => void): Promise<AgentsStreamingResult> {
  const client = await SimClient.join(server.url, "Bench");
  onClient(client);
  const room = client.room;
  const state = (): WorkspaceState => room.state;
  const ids = Array.from({ length: m.agents }, (_, i) => agentId(i));
  const stateOf = (id: string) => state().agents.get(id)?.state;
  const roomMetrics = async () => {
    const r = (await server.metrics()).rooms.find((room) => room.workspace === DEFAULT_WORKSPACE);
    if (!r) throw new Error(`GET /metrics lists no "${DEFAULT_WORKSPACE}" room`);
    return r;
  };
  const roomTicks = async (): Promise<TickSummary> => (await roomMetrics()).tickMs;

  // Watch every patch: who is speaking now, and who failed.
  let maxSpeaking = 0;
  const failed = new Map<string, string>();
  room.onStateChange(() => {
    let speaking = 0;
    state().agents.forEach((agent, id) => {
      if (agent.state === "speaking") speaking++;
      else if ((agent.state === "offline" || agent.state === "paused") && !failed.has(id)) failed.set(id, `${id}: ${agent.state}${agent.reason ? ` (${agent.reason})` : ""}`);
    });
    maxSpeaking = Math.max(maxSpeaking, speaking);
  });
  let speechMessages = 0;
  let speechChars = 0;
  let doneThisRound = new Set<string>();
  let talkSentAt = 0;
  const spokeThisRound = new Set<string>();
  let firstSpeech: number[] = [];
  room.onMessage(AgentServerMessage.Speech, (payload: SpeechPayload) => {
    speechMessages++;
    speechChars += payload.delta.length;
    if (payload.delta.length > 0 && !spokeThisRound.has(payload.agentId)) {
      spokeThisRound.add(payload.agentId);
      firstSpeech.push(performance.now() - talkSentAt);
    }
    if (payload.done) doneThisRound.add(payload.agentId);
  });

  if (!(await waitUntil(() => ids.every((id) => stateOf(id) === "idle"), READY_TIMEOUT_MS))) {
    throw new Error(`the client saw ${ids.filter((id) => stateOf(id) === "idle").length} of ${m.agents} agents idle after ${READY_TIMEOUT_MS} ms`);
  }
  const agentsInRoom = state().agents.size;

  /** Its utterance of this round ended and it is idle again. */
  const finished = (id: string) => doneThisRound.has(id) && stateOf(id) === "idle";
  const talkToAll = (label: string) => {
    m.progress(`${label}: talking to ${m.agents} agents at once`);
    doneThisRound = new Set<string>();
    spokeThisRound.clear();
    talkSentAt = performance.now();
    for (const agentId of ids) {
      const talk: TalkPayload = { agentId, text: TALK_TEXT };
      room.send(ClientMessage.Talk, talk);
    }
  };
  /** Waits until each agent has finished or failed; false when the wait ran out or one failed. */
  const allFinished = async () => (await waitUntil(() => ids.every((id) => finished(id) || failed.has(id)), m.streamMs + FINISH_MARGIN_MS)) && failed.size === 0;

  // Warm-up: the first talk after start-up pays one-off costs (JIT, prepared statements, the
  // SDK's first requests); it is measured on its own and kept out of the window. A failed agent
  // stays in `failed` and fails the result; the window still runs.
  await server.resetMetrics();
  const warmupRoundMs: number[] = [];
  for (let i = 0; i < m.warmupRounds; i++) {
    const t0 = performance.now();
    talkToAll(`warm-up ${i + 1}/${m.warmupRounds}`);
    await allFinished();
    warmupRoundMs.push(performance.now() - t0);
  }
  const warmupTick = m.warmupRounds > 0 ? await roomTicks() : null;

  // The window: every round, from the talks until every agent is idle again.
  fake.reset();
  await server.resetMetrics();
  client.resetCounters();
  maxSpeaking = 0;
  speechMessages = 0;
  speechChars = 0;
  firstSpeech = [];
  const cpuStart = server.cpuTimeMs();
  const windowStart = performance.now();
  const roundMs: number[] = [];
  let allRoundsOk = true;
  for (let i = 0; i < m.rounds && allRoundsOk; i++) {
    const t0 = performance.now();
    talkToAll(`round ${i + 1}/${m.rounds}`);
    allRoundsOk = await allFinished();
    roundMs.push(performance.now() - t0);
  }
  const windowMs = performance.now() - windowStart;
  const { tickMs, busyMs } = await roomMetrics();
  const cpuEnd = server.cpuTimeMs();
  const memoryMb = (await server.metrics()).memoryMb;
  const windowS = windowMs / 1000;
  const finishedIds = allRoundsOk ? ids : roundMs.length === m.rounds ? ids.filter((id) => finished(id) && !failed.has(id)) : [];
  const upstream = { requests: fake.requests.length, maxInFlight: fake.stats.maxInFlight, disconnects: fake.stats.disconnects };
  const speech = { messages: speechMessages, messagesPerS: speechMessages / windowS, chars: speechChars, expectedChars: m.replyChars * m.agents * roundMs.length };
  const downstreamBytesPerS = client.bytes / windowS;
  const firstSpeechMs = { p50: firstSpeech.length > 0 ? percentile(firstSpeech, 50) : 0, max: firstSpeech.length > 0 ? percentile(firstSpeech, 100) : 0 };

  // One more round, measured only once every agent is speaking: the tick while the replies
  // stream, without the interval that handled the talks.
  let streamingOnly: AgentsStreamingResult["streamingOnly"] = null;
  if (allRoundsOk) {
    talkToAll("streaming only");
    if (await waitUntil(() => ids.every((id) => stateOf(id) === "speaking"), m.streamMs + FINISH_MARGIN_MS)) {
      await server.resetMetrics();
      const t0 = performance.now();
      if (await allFinished()) streamingOnly = { measuredS: (performance.now() - t0) / 1000, tickMs: await roomTicks() };
    }
  }

  return {
    agents: m.agents,
    rounds: m.rounds,
    streamMs: m.streamMs,
    chunks: m.chunks,
    agentsInRoom,
    roundMs,
    firstSpeechMs,
    warmup: { rounds: m.warmupRounds, roundMs: warmupRoundMs, tickMs: warmupTick },
    measuredS: windowS,
    tickMs,
    busyMs,
    streamingOnly,
    maxSpeaking,
    finished: finishedIds.length,
    failed: [...failed.values()],
    unfinished: ids.filter((id) => !finishedIds.includes(id) && !failed.has(id)),
    upstream,
    speech,
    downstreamBytesPerS,
    errors: client.errors,
    errorSamples: client.errorSamples,
    serverCpuPercent: cpuStart === null || cpuEnd === null ? null : ((cpuEnd - cpuStart) / windowMs) * 100,
    serverMemoryMb: memoryMb,
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const scenarioName = (agents: number) => `${agents} agents streaming at once`;
const TICK_METRIC = "server tick p99 (patch + messages per interval)";
const TICK_GOAL = `≤ ${AGENTS_STREAMING_TICK_P99_GOAL_MS} ms`;

/** Whether the run tested what it claims: every agent streamed at once, all finished, nothing failed. */
export function agentsStreamingComplete(r: AgentsStreamingResult): boolean {
  return r.maxSpeaking === r.agents && r.finished === r.agents && r.failed.length === 0 && r.unfinished.length === 0 && r.errors === 0;
}

/** The report's rows for this scenario (none when it was not run). */
export function agentsStreamingRows(outcome: Outcome<AgentsStreamingResult> | undefined, agents = AGENTS_STREAMING_AGENTS): Row[] {
  if (!outcome) return [];
  if (!outcome.ok) {
    return [{ scenario: scenarioName(agents), metric: TICK_METRIC, goal: TICK_GOAL, measured: "—", value: null, unit: "", status: "error", note: outcome.error.split("\n")[0] ?? "" }];
  }
  const r = outcome.result;
  const scenario = scenarioName(r.agents);
  const complete = agentsStreamingComplete(r);
  const tickOk = r.tickMs.samples > 0 && r.tickMs.p99 <= AGENTS_STREAMING_TICK_P99_GOAL_MS;
  const problem =
    r.failed[0] ?? (r.unfinished.length > 0 ? `${r.unfinished.length} agents had not finished: ${r.unfinished.slice(0, 5).join(", ")}` : r.errorSamples[0] ?? null);
  return [
    {
      scenario,
      metric: TICK_METRIC,
      goal: TICK_GOAL,
      measured: `${ms(r.tickMs.p99)} (p50 ${ms(r.tickMs.p50)}, max ${ms(r.tickMs.max)})`,
      value: r.tickMs.p99,
      unit: "ms",
      // A figure from a run where the agents did not all stream at once does not test the budget.
      status: tickOk && complete ? "pass" : "fail",
      note: complete
        ? `${r.tickMs.samples} ticks over ${r.measuredS.toFixed(1)} s, from the ${r.agents} talks until every agent was idle again` +
          (r.streamingOnly
            ? `; while the replies stream alone, p99 ${ms(r.streamingOnly.tickMs.p99)}` +
              (r.streamingOnly.tickMs.p99 < r.tickMs.p99 ? ", so the rest is the interval that handles the talks" : "")
            : "")
        : "not every agent streamed at once and finished, so this figure does not test the budget",
    },
    {
      scenario,
      metric: "agents speaking at once (client's state); all back to idle",
      goal: `${r.agents} at once; ${r.agents}/${r.agents} idle, 0 failed`,
      measured: `${r.maxSpeaking} at once; ${r.finished}/${r.agents} idle, ${r.failed.length} failed`,
      value: r.maxSpeaking,
      unit: "agents",
      status: complete ? "pass" : "fail",
      ...(problem ? { note: problem } : {}),
    },
    {
      scenario,
      metric: "server tick p99 while the replies stream, without the interval that handled the talks",
      goal: "— (reported)",
      measured: r.streamingOnly
        ? `${ms(r.streamingOnly.tickMs.p99)} (p50 ${ms(r.streamingOnly.tickMs.p50)}, max ${ms(r.streamingOnly.tickMs.max)})`
        : "not measured",
      value: r.streamingOnly?.tickMs.p99 ?? null,
      unit: "ms",
      status: "info",
    },
    {
      scenario,
      metric: "upstream requests open at once (fake server)",
      goal: "— (reported)",
      measured: `${r.upstream.maxInFlight} (${r.upstream.requests} requests, ${r.upstream.disconnects} abandoned)`,
      value: r.upstream.maxInFlight,
      unit: "requests",
      status: "info",
    },
    {
      scenario,
      metric: "speech messages received by one client",
      goal: "— (reported)",
      measured: `${r.speech.messagesPerS.toFixed(0)}/s (${(r.speech.messagesPerS / r.agents).toFixed(1)}/s per agent); ${(r.downstreamBytesPerS / 1000).toFixed(1)} KB/s downstream in all`,
      value: r.speech.messagesPerS,
      unit: "messages/s",
      status: "info",
    },
  ];
}

/** The details section of docs/BENCHMARKS.md; `downstreamGoalBytesPerS` is the per-client downstream budget, for comparison. */
export function agentsStreamingDetails(outcome: Outcome<AgentsStreamingResult> | undefined, downstreamGoalBytesPerS: number): string[] {
  if (!outcome) return [];
  const out = ["\n### Agents streaming at once\n"];
  if (!outcome.ok) {
    out.push(`Could not run:\n\n\`\`\`text\n${outcome.error.trim()}\n\`\`\``);
    return out;
  }
  const r = outcome.result;
  const cpu = r.serverCpuPercent === null ? "n/a" : `${r.serverCpuPercent.toFixed(0)} %`;
  out.push(
    `${r.agents} LLM-driven agents (${r.agentsInRoom} in the room), each asked once per round to talk, ${r.rounds} round${r.rounds === 1 ? "" : "s"}; ` +
      `every reply streams ${r.chunks} chunks of ${AGENTS_STREAMING_CHUNK_CHARS} characters over ${(r.streamMs / 1000).toFixed(1)} s. ` +
      `Round times (talk sent → all idle): ${r.roundMs.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")}. ` +
      `Talk sent → an agent's first streamed words: p50 ${(r.firstSpeechMs.p50 / 1000).toFixed(2)} s, the last agent ${(r.firstSpeechMs.max / 1000).toFixed(2)} s.`,
  );
  out.push("");
  const w = r.warmup;
  const warm = w.tickMs
    ? ` A warm-up round before the window (the first talks after start-up) took ${w.roundMs.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")}, ` +
      `with tick p50 ${ms(w.tickMs.p50)}, max ${ms(w.tickMs.max)}.`
    : "";
  const streaming = r.streamingOnly
    ? ` In one more round, measured from the moment all ${r.agents} agents were speaking until all were idle ` +
      `(${r.streamingOnly.tickMs.samples} intervals, ${r.streamingOnly.measuredS.toFixed(1)} s), the tick was p50 ${ms(r.streamingOnly.tickMs.p50)}, ` +
      `p99 ${ms(r.streamingOnly.tickMs.p99)}, max ${ms(r.streamingOnly.tickMs.max)}: the difference from the window is the interval that ` +
      "handled the talks (each starts its agent's model call: prompt, tools, the message stored, the request sent)."
    : "";
  out.push(
    `Server tick over ${r.tickMs.samples} intervals (${r.measuredS.toFixed(1)} s): p50 ${ms(r.tickMs.p50)}, p99 ${ms(r.tickMs.p99)}, max ${ms(r.tickMs.max)}; ` +
      `goal p99 ≤ ${AGENTS_STREAMING_TICK_P99_GOAL_MS} ms. The whole process was busy p50 ${ms(r.busyMs.p50)}, p99 ${ms(r.busyMs.p99)} per interval ` +
      "(the tick is the room's own work; the rest is outside the room: the broker's LLM streams over HTTP and SSE, socket I/O, garbage collection). " +
      `Server CPU ${cpu} of one core, memory ${r.serverMemoryMb} MB. ` +
      `Most agents speaking at once: ${r.maxSpeaking}; finished: ${r.finished}/${r.agents}; failed: ${r.failed.length}` +
      `${r.failed.length > 0 ? ` (${r.failed.slice(0, 3).join("; ")})` : ""}; error messages: ${r.errors}.${streaming}${warm}`,
  );
  out.push("");
  out.push(
    `Upstream: ${r.upstream.requests} requests, at most ${r.upstream.maxInFlight} open at once, ${r.upstream.disconnects} abandoned. ` +
      `The client received ${r.speech.messages} speech messages (${r.speech.messagesPerS.toFixed(0)}/s) carrying ${r.speech.chars} of ` +
      `${r.speech.expectedChars} characters, and ${(r.downstreamBytesPerS / 1000).toFixed(1)} KB/s in all. Speech is coalesced to one message ` +
      "per agent per 50 ms, so a client receives up to 20 per streaming agent per second." +
      (r.downstreamBytesPerS > downstreamGoalBytesPerS
        ? ` That is above the ${(downstreamGoalBytesPerS / 1000).toFixed(1)} KB/s per-client downstream budget, which is written for the ` +
          "room-capacity scenario (people walking), not for every agent talking at once; this scenario has no downstream goal."
        : ""),
  );
  return out;
}
