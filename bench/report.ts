import path from "node:path";
import {
  AGENTS_STREAMING_CHUNK_CHARS,
  AGENTS_STREAMING_CHUNKS,
  AGENTS_STREAMING_STREAM_MS,
  agentsStreamingDetails,
  agentsStreamingRows,
  type AgentsStreamingResult,
} from "./agents-streaming";
import { brokerOverheadDetails, brokerOverheadRows, type BrokerOverheadResult } from "./broker-overhead";
import { BUNDLE_GOAL_GZ_BYTES, type BundleResult } from "./bundle";
import type { GitInfo, MachineInfo } from "./machine";
import type { RemoteLatencyResult } from "./remote-latency";
import { LATENCY_PROBE_CLIENTS, type RoomCapacityResult } from "./room-capacity";
import { REPO_ROOT } from "./server-process";
import { sendFloorDetails, type SendFloorResult } from "./send-floor";
import { spectatorDetails, spectatorRows, type SpectatorBenchResult } from "./spectator";
import { voiceDetails, voiceRows, type VoiceBenchResult } from "./voice";
import { xrDrawCallRows, type XRDrawCallsResult } from "./xr-draw-calls";
import { round } from "./stats";

/** Room-capacity goals (DESIGN.md, Performance budgets). */
export const TICK_P99_GOAL_MS = 5;
/** Downstream per desktop client (bytes/s; 1 KB = 1000 bytes). */
export const DOWNSTREAM_GOAL_BYTES_PER_S = 6_000;
/** The budget's room holds this many agents besides the people. */
export const BUDGET_AGENTS = 50;
/** The client count the capacity budget is written for. */
export const BUDGET_CLIENTS = 200;

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };

export interface BenchSettings {
  capacitySizes: number[];
  warmupS: number;
  measureS: number;
  latencyDurationS: number;
  loadProcesses: number;
  /** Whether load clients decode patches (see LOAD_CLIENTS_DECODE_PATCHES). */
  loadClientsDecodePatches: boolean;
}

export interface BenchResults {
  generatedAt: string;
  durationS: number;
  machine: MachineInfo;
  git: GitInfo | null;
  settings: BenchSettings;
  scenarios: {
    bundle: Outcome<BundleResult>;
    remoteLatency: Outcome<RemoteLatencyResult>;
    roomCapacity: { clients: number; outcome: Outcome<RoomCapacityResult> }[];
    /** The machine's cost of one small WebSocket send (bench/send-floor.ts). Absent when not run. */
    sendFloor?: Outcome<SendFloorResult>;
    /** Absent when the scenario was not run. */
    brokerOverhead?: Outcome<BrokerOverheadResult>;
    /** Absent when the scenario was not run. */
    agentsStreaming?: Outcome<AgentsStreamingResult>;
    /** Absent when the scenario was not run. */
    voice?: Outcome<VoiceBenchResult>;
    /** Absent when the scenario was not run. */
    spectator?: Outcome<SpectatorBenchResult>;
    /** Absent when the scenario was not run. */
    xrDrawCalls?: Outcome<XRDrawCallsResult>;
  };
  rows: Row[];
}

/** pass/fail against the goal; "error" when the scenario could not run; "info" for figures without a goal. */
export type RowStatus = "pass" | "fail" | "error" | "info";

export interface Row {
  scenario: string;
  metric: string;
  goal: string;
  measured: string;
  /** The measured figure as a number, in `unit`; null when the scenario failed. */
  value: number | null;
  unit: string;
  status: RowStatus;
  note?: string;
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (value: number) => `${value.toFixed(2)} ms`;
const verdict = (ok: boolean): RowStatus => (ok ? "pass" : "fail");

function errorRow(scenario: string, metric: string, goal: string, error: string): Row {
  return { scenario, metric, goal, measured: "—", value: null, unit: "", status: "error", note: error.split("\n")[0] };
}

export function buildRows(scenarios: BenchResults["scenarios"]): Row[] {
  const rows: Row[] = [];

  const bundleScenario = "Bundle";
  const bundleMetric = "initial JS of the desktop entry, gzip -9";
  const bundleGoal = `≤ ${kb(BUNDLE_GOAL_GZ_BYTES)}`;
  if (scenarios.bundle.ok) {
    const b = scenarios.bundle.result;
    rows.push({
      scenario: bundleScenario,
      metric: bundleMetric,
      goal: bundleGoal,
      measured: `${kb(b.initialGzBytes)} (${b.initial.length} files)`,
      value: b.initialGzBytes,
      unit: "bytes",
      status: verdict(b.initialGzBytes <= BUNDLE_GOAL_GZ_BYTES),
      note: `${b.lazy.length} lazy chunks, ${kb(b.lazyGzBytes)} gz in all`,
    });
    rows.push({
      scenario: bundleScenario,
      metric: "JS before the campus is drawn (entry + 3D scene chunks), gzip -9",
      goal: "— (reported, no budget)",
      measured: `${kb(b.firstViewGzBytes)} (${b.initial.length + b.firstView.length} files)`,
      value: b.firstViewGzBytes,
      unit: "bytes",
      status: "info",
      note:
        b.firstView.length > 0
          ? "the loading screen paints after the entry alone and shows progress while the scene chunks arrive"
          : "no Vite manifest in the build, so the scene chunks could not be told apart",
    });
  } else {
    rows.push(errorRow(bundleScenario, bundleMetric, bundleGoal, scenarios.bundle.error));
  }

  const latencyScenario = "Remote motion latency";
  const latency = scenarios.remoteLatency;
  if (latency.ok) {
    const l = latency.result;
    rows.push({
      scenario: latencyScenario,
      metric: "move sent → seen by another client, p50",
      goal: `≤ ${l.goalP50Ms} ms (patch interval + 10 ms)`,
      measured: ms(l.p50Ms),
      value: l.p50Ms,
      unit: "ms",
      status: verdict(l.samples > 0 && l.p50Ms <= l.goalP50Ms && l.errors === 0),
      note: `${l.samples} samples, ${l.errors} errors`,
    });
    rows.push({ scenario: latencyScenario, metric: "same, p99", goal: "— (the budget is on p50)", measured: ms(l.p99Ms), value: l.p99Ms, unit: "ms", status: "info" });
  } else {
    rows.push(errorRow(latencyScenario, "move sent → seen by another client, p50", "≤ 60 ms (patch interval + 10 ms)", latency.error));
  }

  for (const { clients, outcome } of scenarios.roomCapacity) {
    const scenario = `Room capacity, ${clients} clients + ${BUDGET_AGENTS} agents`;
    const note = clients === BUDGET_CLIENTS ? `The budget's room: ${BUDGET_CLIENTS} clients plus ${BUDGET_AGENTS} offline-planner agents working, on one core.` : undefined;
    if (!outcome.ok) {
      rows.push(errorRow(scenario, "server tick p99", `≤ ${TICK_P99_GOAL_MS} ms`, outcome.error));
      continue;
    }
    const r = outcome.result;
    rows.push({
      scenario,
      metric: "server tick p99 (patch + messages per interval)",
      goal: `≤ ${TICK_P99_GOAL_MS} ms`,
      measured: `${ms(r.tickMs.p99)} (p50 ${ms(r.tickMs.p50)})`,
      value: r.tickMs.p99,
      unit: "ms",
      status: verdict(r.tickMs.samples > 0 && r.tickMs.p99 <= TICK_P99_GOAL_MS),
      ...(note ? { note } : {}),
    });
    rows.push({
      scenario,
      metric: "downstream per client (mean)",
      goal: `≤ ${kb(DOWNSTREAM_GOAL_BYTES_PER_S)}/s`,
      measured: `${kb(r.downstream.meanBytesPerS)}/s`,
      value: r.downstream.meanBytesPerS,
      unit: "bytes/s",
      status: verdict(r.downstream.meanBytesPerS <= DOWNSTREAM_GOAL_BYTES_PER_S),
    });
    const allJoined = r.joined === r.clients && r.peopleInRoom === r.clients + LATENCY_PROBE_CLIENTS;
    rows.push({
      scenario,
      metric: "clients joined; error messages received",
      goal: "all joined; 0 errors",
      measured: `${r.joined}/${r.clients} joined; ${r.errors} errors`,
      value: r.errors,
      unit: "errors",
      status: verdict(allJoined && r.errors === 0),
      ...(r.errorSamples[0] ? { note: r.errorSamples[0] } : r.joinFailures[0] ? { note: r.joinFailures[0] } : {}),
    });
    const l = r.remoteLatency;
    rows.push({
      scenario,
      metric: "remote motion latency in this room, p50",
      goal: "— (reported; the latency budget is the two-client row's)",
      measured: `${l.p50Ms.toFixed(2)} ms (p99 ${l.p99Ms.toFixed(2)} ms; ${l.samples} samples)`,
      value: l.p50Ms,
      unit: "ms",
      status: "info",
      ...(l.errors > 0 ? { note: `${l.errors} error messages to the probe` } : {}),
    });
  }
  rows.push(...brokerOverheadRows(scenarios.brokerOverhead));
  rows.push(...agentsStreamingRows(scenarios.agentsStreaming));
  rows.push(...xrDrawCallRows(scenarios.xrDrawCalls));
  rows.push(...spectatorRows(scenarios.spectator));
  rows.push(...voiceRows(scenarios.voice));
  return rows;
}

/** An error for the details section: one line inline, several in a fenced block. */
function errorText(error: string): string {
  return error.includes("\n") ? `\n\n\`\`\`text\n${error.trim()}\n\`\`\`` : error;
}

const STATUS_LABEL: Record<RowStatus, string> = { pass: "✅ pass", fail: "❌ fail", error: "⚠️ error", info: "—" };

/** Escapes a value for a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(header: string[], body: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of body) lines.push(`| ${row.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

const HOW_TO = `# Benchmarks

This file is written by \`npm run bench\`; do not edit it by hand. The raw figures are in
\`bench/results.json\`. The budgets come from \`DESIGN.md\` (Performance budgets).

## How to run

\`\`\`sh
npm run bench            # vite build, then tsx bench/run.ts (about 5 minutes after the build)
npx tsx bench/run.ts     # the same without the build: measures dist/client as it is
\`\`\`

\`bench/run.ts\` measures \`dist/client\` as it finds it (a missing build is reported as an error in
the bundle row), starts the real server (\`node --import tsx server/src/main.ts\`) on a free
loopback port with a throw-away database, runs the scenarios one after another, stops every
process it started (also on Ctrl-C or an error) and writes \`bench/results.json\` and this file. A
scenario that cannot run is reported as an error, the others still run, and the command exits
with code 1; goals that are missed are reported but do not fail the command.
\`bench/bench.test.ts\` runs the scenarios at a tiny size inside \`npx vitest run\`, so the bench
cannot rot. 1 KB = 1000 bytes throughout. Times are wall-clock: other work on the machine
inflates them, so the load average at the start of the run is recorded below.

## What each row means

- **Bundle** — the JavaScript a desktop visitor downloads before anything lazy: every
  \`<script type="module" src>\` and \`<link rel="modulepreload" href>\` in
  \`dist/client/index.html\`, each gzipped at level 9, summed. The other \`.js\` files under
  \`dist/client/assets\` are chunks loaded later through dynamic \`import()\` (the budget wants XR,
  voice and ONNX Runtime there); they are listed below with their sizes and not counted.
  The app shell (loading screen, name prompt, network) is the entry; the 3D scene (three,
  React Three Fiber, drei, troika) is one lazy chunk group that the loading screen fetches at
  once. A second row reports entry + scene chunks, what a visitor downloads before the campus
  is drawn, with no budget of its own.
- **Remote motion latency** — two real SDK clients in one process: one walks (a move every
  50 ± 15 ms), the other watches its avatar. A sample is the time from sending a move to the
  watcher decoding the pose message that carries it (the pose stream, \`shared/pose-wire.ts\`, sent
  after each patch), so it includes waiting for the next patch (20 Hz).
  The budget is on the p50: one patch interval plus 10 ms.
- **Room capacity, N clients** — N simulated desktop people, each a real \`@colyseus/sdk\` client,
  join the workspace room as the app does (\`{ workspace, name, mode: "desktop" }\`) and walk smooth
  circles at 4 m/s within 40 m of the centre, sending \`move\` as often as the server asks in each
  pose message's header, as the app does: every 50 ms up to 100 people, less often above, so the
  room reads about 2,000 moves a second whatever its size (every 101 ms at 202 people;
  \`moveIntervalMs\` in \`server/src/rooms/pose-rates.ts\`). They run in separate
  load-generator processes, away from the server's process. They receive and count every patch
  and pose message but skip decoding them (decoding 200 people's moves for 200 clients would starve
  the generator, which would then send fewer moves than real clients). After a warm-up the
  server's statistics are reset (\`POST /metrics/reset\`) and a window is measured:
  - *server tick* — the room's own figure from \`GET /metrics\`: the time spent encoding and sending
    each patch and each client's pose message (interest management included,
    \`server/src/rooms/interest.ts\`) plus handling the messages that arrived since the previous
    patch, per 50 ms interval. A client's messages are written to its socket in one go after a
    patch (\`server/src/rooms/send-batch.ts\`); in a room of more than 50 people the sockets take
    turns, each written every \`ceil(people / 50)\` patches with every patch's poses in it, so a
    patch writes about 50 sockets: a write costs about the same whatever its size.
  - *downstream per client* — WebSocket message payload bytes each client received per second,
    counted on the client (framing and TCP/IP overhead excluded), averaged over the clients. Poses
    are fixed-point and interest-managed: a client gets the full pose, at every patch it changes,
    of at most 8 people and agents near it (within 30 m, what it faces counting as nearer), and
    everyone's coarse pose about once a second; the simulated walkers all circle near the spawn
    point, so each has a crowd around it.
  - *joined; errors* — every client must join, and none may receive an \`error\` message (for
    example a move refused by the server's speed check), warm-up included.
  - *remote motion latency in this room* — two more clients, standing at the campus' edge away
    from the walkers, measure it as the remote-latency row does, through warm-up and window: the
    price of the turns above (a client written every 4th patch waits 75 ms more on average).

  Every size runs with the budget's 50 agents: a generated roster of offline-planner agents
  (\`bench/bench-roster.ts\`) at work in the same room; the "50 agents streaming" row loads the
  agents through a fake LLM instead.
- **LLM broker** — time to first token (request sent → first content delta) through
  \`LlmBroker.stream()\` versus the same \`openai\` SDK client called directly, against one fake
  OpenAI-compatible server (\`e2e/fake-openai.ts\`, real HTTP and SSE on loopback, in the bench's
  own process). Both paths take the same number of samples in the same run, interleaved, and
  alternate which goes first. The goal is on the difference of the two p50s. A second row starts
  50 streaming calls through the broker at once (each 100 chunks, one every 10 ms) and checks
  that all finish; it reports the wall time and this process's event-loop delay meanwhile.
- **N agents streaming at once** — the second half of the LLM broker budget, end to end. The
  bench starts the fake OpenAI-compatible server in its own process (every reply is
  ${AGENTS_STREAMING_CHUNKS} chunks of ${AGENTS_STREAMING_CHUNK_CHARS} characters, one every ${AGENTS_STREAMING_STREAM_MS / AGENTS_STREAMING_CHUNKS} ms, so about ${AGENTS_STREAMING_STREAM_MS / 1000} s, then a usage
  chunk) and the real server in another, with a generated roster of N agents (homes spread
  over the districts, budgets that never stop them) and an LLM config that lets all N call at
  once (prices 0, no caps, no retries). One real SDK client joins, waits until every agent is idle, sends a \`talk\` to every
  agent at once and waits until each has finished its utterance and is idle again; one such
  round warms up, then the server's statistics are reset and the measured rounds run:
  - *server tick* — as in room capacity, from the talks until every agent is idle again. The
    interval in which the talks arrive includes starting every agent's model call (prompt,
    tools, the stored message, the request).
  - *speaking at once; all back to idle* — the most agents the client saw in state
    \`speaking\` after one patch, and every agent back to \`idle\` with none \`offline\` or
    \`paused\` and no \`error\` message. The tick row fails too when this one does, since the run
    then did not test the budget.
  - *while the replies stream* — one more round whose statistics are reset once every agent is
    speaking: the tick without the interval that handled the talks.
  - *upstream requests open at once* — the fake server's own count; *speech messages* — what
    the client received (the server coalesces speech to one message per agent per 50 ms).
- **Spectator dashboard** — 50 offline-planner agents given work by 10 people; a desktop client
  walks and a spectator (role \`spectator\`, no avatar) watches as the dashboard does: the
  charts' history once over \`GET /api/stats\`, then their figures pushed over its WebSocket; both
  count what they receive over the same window, by kind. Both get the same state patches,
  activity items and speech; the spectator is spared the question, question-closed and hand-off
  messages, and in the pose stream gets only coarse poses (every two seconds) where the desktop
  client gets full poses of what is near it. The goals: the spectator's downstream and its
  traffic both ways are each at most the desktop client's.
- **Rendering** — the client's own \`renderer.info\` in headless Chromium (SwiftShader), the
  whole campus in view from high above, with 20 people (the page plus 19 SDK clients, some VR
  people with hands, some AR markers): on the desktop, and in an emulated Quest 3 (IWER) where
  the counts are per view. The goals are for 50 agents; the same runs with 10 and 200 agents
  show that draw calls do not grow with the agents (only the name labels of the 12 nearest
  are drawn one by one).
`;

/**
 * The scaling curve: tick p50 and p99 against the number of clients, what each added client
 * costs per patch interval between two sizes, and how that cost grows.
 */
export function scalingCurve(sizes: RoomCapacityResult[]): string[] {
  if (sizes.length < 2) return [];
  const sorted = [...sizes].sort((a, b) => a.clients - b.clients);
  const steps = sorted.slice(1).map((r, i) => {
    const from = sorted[i]!;
    const perClientUs = ((r.tickMs.p50 - from.tickMs.p50) * 1000) / (r.clients - from.clients);
    return `${from.clients} → ${r.clients}: ${perClientUs.toFixed(1)} µs per added client`;
  });
  return [
    "\n**Scaling curve.** Tick p50 / p99 against clients (each with the 50 agents): " +
      sorted.map((r) => `${r.clients}: ${r.tickMs.p50.toFixed(2)} / ${r.tickMs.p99.toFixed(2)} ms`).join("; ") +
      `. Each added person costs the tick, per 50 ms interval, about ${steps.join(", ")} (p50). ` +
      "Up to 100 people the cost grows linearly: each one's moves (20 a second) are read and checked, and a frame of poses " +
      "is added to its message at every patch. Above 100 it grows more slowly, as only the frames keep growing: the room " +
      "asks everyone to send less often (*Each client asked to move every*), so it reads about 2,000 moves a second whatever " +
      "its size, and above 50 people the socket writes take turns (*Each socket written every*), so a patch writes about 50 " +
      "sockets whatever the size, at the price of the latency shown above. Downstream per client has a ceiling: full poses " +
      "of at most 8 near people and agents, and at most 100 coarse poses a second.",
  ];
}

export function renderMarkdown(results: BenchResults): string {
  const { machine, git, settings, scenarios } = results;
  const out: string[] = [HOW_TO];

  out.push("## Latest run\n");
  out.push(`- Date: ${results.generatedAt} (took ${Math.round(results.durationS)} s)`);
  out.push(`- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.platform}`);
  out.push(`- Node: ${machine.node}; load average at start ${machine.loadAverage.map((v) => v.toFixed(2)).join(", ")} (1, 5, 15 min)`);
  out.push(`- Cores: ${machine.pinning}`);
  out.push(`- Commit: ${git ? `\`${git.commit}\`${git.dirty ? " with uncommitted changes" : ""}` : "unknown (not a git work tree)"}`);
  out.push(
    `- Settings: room capacity at ${settings.capacitySizes.join(", ")} clients, ${settings.warmupS} s warm-up and ${settings.measureS} s measured each, ` +
      `${settings.loadProcesses} load processes; latency walk ${settings.latencyDurationS} s`,
  );
  out.push("");
  out.push(
    table(
      ["Scenario", "Metric", "Goal", "Measured", "Result"],
      results.rows.map((r) => [r.scenario, r.metric, r.goal, r.measured, STATUS_LABEL[r.status]]),
    ),
  );
  const notes = results.rows.filter((r) => r.note && r.status !== "info");
  if (notes.length > 0) {
    out.push("\nNotes:\n");
    for (const r of notes) out.push(`- ${r.scenario}, ${r.metric}: ${r.note}`);
  }

  out.push("\n## Details\n");
  out.push("### Bundle\n");
  if (scenarios.bundle.ok) {
    const b = scenarios.bundle.result;
    out.push(`Build: \`${path.relative(REPO_ROOT, b.distDir) || "."}\`, index.html written ${b.builtAt}.\n`);
    out.push("Initial (loaded by `index.html`):\n");
    out.push(table(["File", "Size", "gzip -9"], [...b.initial.map((f) => [f.file, kb(f.bytes), kb(f.gzBytes)]), ["**total**", kb(b.initialBytes), `**${kb(b.initialGzBytes)}**`]]));
    if (b.external.length > 0) out.push(`\nLoaded from another origin (not measured): ${b.external.join(", ")}`);
    out.push("\nLazy chunks:\n");
    out.push(b.lazy.length > 0 ? table(["File", "Size", "gzip -9"], b.lazy.map((f) => [f.file, kb(f.bytes), kb(f.gzBytes)])) : "None.");
  } else {
    out.push(`Could not run: ${errorText(scenarios.bundle.error)}`);
  }

  out.push("\n### Room capacity\n");
  const ok = scenarios.roomCapacity.flatMap((c) => (c.outcome.ok ? [c.outcome.result] : []));
  if (ok.length > 0) {
    const col = (f: (r: RoomCapacityResult) => string) => ok.map(f);
    const pct = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(0)} %`);
    const rows: [string, string[]][] = [
      ["Clients joined / in room (with the latency probe's 2)", col((r) => `${r.joined} / ${r.peopleInRoom}`)],
      ["Measured window", col((r) => `${r.measuredS.toFixed(1)} s`)],
      ["Tick samples", col((r) => String(r.tickMs.samples))],
      ["Tick p50 / p99 / max", col((r) => `${r.tickMs.p50.toFixed(2)} / ${r.tickMs.p99.toFixed(2)} / ${r.tickMs.max.toFixed(2)} ms`)],
      ["Process busy per interval p50 / p99", col((r) => `${r.busyMs.p50.toFixed(2)} / ${r.busyMs.p99.toFixed(2)} ms`)],
      ["Downstream per client, mean (min–max)", col((r) => `${kb(r.downstream.meanBytesPerS)}/s (${kb(r.downstream.minBytesPerS)}–${kb(r.downstream.maxBytesPerS)})`)],
      ["Downstream, all clients together", col((r) => `${kb(r.downstream.meanBytesPerS * r.joined)}/s`)],
      ["Messages received per client", col((r) => `${r.downstream.meanMessagesPerS.toFixed(1)}/s`)],
      ["Each socket written every", col((r) => `${r.writeEvery} patch${r.writeEvery === 1 ? "" : "es"}`)],
      ["Each client asked to move every", col((r) => `${r.moveIntervalMs} ms`)],
      ["Moves sent per client", col((r) => `${r.upstreamMovesPerS.toFixed(1)}/s`)],
      ["Remote motion latency in the room p50 / p99 (samples)", col((r) => `${r.remoteLatency.p50Ms.toFixed(1)} / ${r.remoteLatency.p99Ms.toFixed(1)} ms (${r.remoteLatency.samples})`)],
      ["Error messages", col((r) => String(r.errors))],
      ["Server CPU (one core = 100 %): all threads; the event loop alone", col((r) => `${pct(r.serverCpuPercent)}; ${pct(r.eventLoopCpuPercent)}`)],
      ["Server memory (RSS)", col((r) => `${r.serverMemoryMb} MB`)],
      ["Load generators: CPU, event-loop delay p99", col((r) => `${pct(r.loadGenerator.cpuPercent)}, ${r.loadGenerator.loopDelayP99Ms.toFixed(0)} ms`)],
    ];
    out.push(table(["", ...ok.map((r) => `${r.clients} clients`)], rows.map(([label, values]) => [label, ...values])));
    out.push(
      "\nA high load-generator event-loop delay means the simulated clients were short of CPU and sent " +
        "fewer moves than real clients would: check *Moves sent per client* (about 1000 / *Each client asked to move every* when healthy).",
    );
  }
  for (const c of scenarios.roomCapacity) if (!c.outcome.ok) out.push(`\n${c.clients} clients could not run: ${errorText(c.outcome.error)}`);
  out.push(...scalingCurve(ok));
  out.push(...sendFloorDetails(scenarios.sendFloor));

  out.push("\n### Remote motion latency\n");
  if (scenarios.remoteLatency.ok) {
    const l = scenarios.remoteLatency.result;
    out.push(`${l.sent} moves sent, ${l.samples} seen by the watcher (a later move in the same patch interval replaces an earlier one). ` +
      `p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}, max ${ms(l.maxMs)}; goal p50 ≤ ${l.goalP50Ms} ms. Error messages: ${l.errors}.`);
  } else {
    out.push(`Could not run: ${errorText(scenarios.remoteLatency.error)}`);
  }
  out.push(...brokerOverheadDetails(scenarios.brokerOverhead));
  out.push(...agentsStreamingDetails(scenarios.agentsStreaming, DOWNSTREAM_GOAL_BYTES_PER_S));
  out.push(...spectatorDetails(scenarios.spectator));
  out.push(...voiceDetails(scenarios.voice));
  return `${out.join("\n")}\n`;
}

/** JSON with fractional numbers rounded to 3 decimals and NaN/Infinity as null. */
export function toJson(results: BenchResults): string {
  return `${JSON.stringify(results, (_key, value: unknown) => (typeof value === "number" && !Number.isInteger(value) ? (Number.isFinite(value) ? round(value, 3) : null) : value), 2)}\n`;
}
