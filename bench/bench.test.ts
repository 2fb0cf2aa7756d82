import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SEND_INTERVAL_MS } from "../shared/constants";
import { agentsStreamingDetails, agentsStreamingRows, runAgentsStreaming } from "./agents-streaming";
import { brokerOverheadRows, runBrokerOverhead } from "./broker-overhead";
import { BundleError, runBundle } from "./bundle";
import { runRemoteLatency } from "./remote-latency";
import { runSendFloor } from "./send-floor";
import { buildRows, renderMarkdown, scalingCurve, toJson, type BenchResults } from "./report";
import { LATENCY_PROBE_CLIENTS, runRoomCapacity, type RoomCapacityResult } from "./room-capacity";
import { xrDrawCallRows } from "./xr-draw-calls";
import { startServer, type RunningServer } from "./server-process";
import { gitInfo, machineInfo } from "./machine";
import { seededRandom } from "./stats";
import { CircleWalk, MAX_STEP_M, WALK_AREA_RADIUS_M } from "./walk-path";

/** Smoke test: every scenario at a tiny size, so `npm run bench` cannot rot unnoticed. */

describe("simulated walk", () => {
  it("stays inside the walk area and never steps further than the server allows", () => {
    for (let seed = 0; seed < 200; seed++) {
      const random = seededRandom(seed);
      const start = { x: (random() - 0.5) * 60, z: (random() - 0.5) * 60 };
      const walk = new CircleWalk(start, random);
      let { x, z } = walk.pose;
      expect(Math.hypot(x - start.x, z - start.z)).toBeLessThan(1e-9);
      for (let i = 0; i < 400; i++) {
        const pose = walk.advance(i % 50 === 0 ? 1 : 0.05); // now and then a late timer
        expect(Math.hypot(pose.x - x, pose.z - z)).toBeLessThanOrEqual(MAX_STEP_M + 1e-9);
        expect(Math.hypot(pose.x, pose.z)).toBeLessThanOrEqual(Math.max(WALK_AREA_RADIUS_M, Math.hypot(start.x, start.z)) + 1e-9);
        expect(Math.abs(pose.yaw)).toBeLessThanOrEqual(Math.PI);
        ({ x, z } = pose);
      }
    }
  });
});

describe("bundle scenario", () => {
  let dist: string;

  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-bench-dist-"));
    fs.mkdirSync(path.join(dist, "assets"));
    fs.writeFileSync(
      path.join(dist, "index.html"),
      `<!doctype html><html><head>
        <script type="module" crossorigin src="/assets/index-abc.js"></script>
        <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
        <link rel="stylesheet" href="/assets/index.css">
      </head><body><div id="root"></div></body></html>`,
    );
    fs.writeFileSync(path.join(dist, "assets", "index-abc.js"), `import "./vendor-def.js";\n${"console.log('entry');\n".repeat(200)}`);
    fs.writeFileSync(path.join(dist, "assets", "vendor-def.js"), "export const x = 1;\n".repeat(500));
    fs.writeFileSync(path.join(dist, "assets", "xr-123.js"), "export const xr = 2;\n".repeat(100));
    fs.writeFileSync(path.join(dist, "assets", "scene-1.js"), "export const scene = 3;\n".repeat(300));
    fs.writeFileSync(path.join(dist, "assets", "three-2.js"), "export const three = 4;\n".repeat(300));
    fs.writeFileSync(path.join(dist, "assets", "index.css"), "body{margin:0}");
    fs.mkdirSync(path.join(dist, ".vite"));
    fs.writeFileSync(
      path.join(dist, ".vite", "manifest.json"),
      JSON.stringify({
        "index.html": { file: "assets/index-abc.js", src: "index.html", isEntry: true, dynamicImports: ["src/scene/CampusCanvas.tsx"] },
        "src/scene/CampusCanvas.tsx": { file: "assets/scene-1.js", src: "src/scene/CampusCanvas.tsx", isDynamicEntry: true, imports: ["_three.js"] },
        "_three.js": { file: "assets/three-2.js" },
      }),
    );
  });

  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it("sums the gzipped initial scripts and lists the lazy chunks", () => {
    const result = runBundle(dist);
    expect(result.initial.map((f) => f.file)).toEqual(["assets/index-abc.js", "assets/vendor-def.js"]);
    for (const f of result.initial) {
      expect(f.gzBytes).toBeGreaterThan(0);
      expect(f.gzBytes).toBeLessThan(f.bytes);
    }
    expect(result.initialGzBytes).toBe(result.initial.reduce((n, f) => n + f.gzBytes, 0));
    expect(result.lazy.map((f) => f.file).sort()).toEqual(["assets/scene-1.js", "assets/three-2.js", "assets/xr-123.js"]);
    expect(result.lazyGzBytes).toBeGreaterThan(0);
  });

  it("counts the 3D scene chunks, found through the manifest, towards the first view only", () => {
    const result = runBundle(dist);
    expect(result.firstView.map((f) => f.file).sort()).toEqual(["assets/scene-1.js", "assets/three-2.js"]);
    expect(result.firstViewGzBytes).toBe(result.initialGzBytes + result.firstView.reduce((n, f) => n + f.gzBytes, 0));
  });

  it("reports a missing build as a clear error", () => {
    expect(() => runBundle(path.join(dist, "nope"))).toThrow(BundleError);
    expect(() => runBundle(path.join(dist, "nope"))).toThrow(/npm run build/);
  });
});

describe("server scenarios", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  let capacity: RoomCapacityResult | undefined;

  it("room capacity runs at a tiny size and yields plausible figures", async () => {
    const result = (capacity = await runRoomCapacity(server, { clients: 3, warmupMs: 500, measureMs: 1500, loadProcesses: 2 }));
    expect(result.joined).toBe(3);
    expect(result.peopleInRoom).toBe(3 + LATENCY_PROBE_CLIENTS);
    expect(result.errors).toBe(0);
    expect(result.tickMs.samples).toBeGreaterThan(0);
    for (const v of [result.tickMs.p50, result.tickMs.p99, result.tickMs.max]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(result.tickMs.p50).toBeLessThanOrEqual(result.tickMs.p99);
    expect(result.downstream.minBytesPerS).toBeGreaterThan(0);
    expect(result.downstream.meanBytesPerS).toBeLessThan(1e6);
    expect(result.downstream.meanMessagesPerS).toBeGreaterThan(5); // about one patch per 50 ms
    expect(result.moveIntervalMs).toBe(CLIENT_SEND_INTERVAL_MS); // a small room asks for the usual pace
    expect(result.upstreamMovesPerS).toBeGreaterThan(5); // about one move per 50 ms
    expect(result.measuredS).toBeGreaterThan(1);
    expect(result.loadGenerator.processes).toBe(2);
    // The latency probe saw the mover's moves in the room.
    expect(result.remoteLatency.errors).toBe(0);
    expect(result.remoteLatency.samples).toBeGreaterThan(0);
    expect(result.remoteLatency.p50Ms).toBeGreaterThan(0);
  }, 20_000);

  it("remote latency, the send floor and the report render", async () => {
    const floor = await runSendFloor({ clients: 3, rounds: 4, intervalMs: 10 });
    expect(floor.sends).toBe(12);
    expect(floor.cpuUsPerSend).toBeGreaterThan(0);
    expect(floor.loopMsPerInterval).toBeGreaterThan(0);

    const latency = await runRemoteLatency(server, { durationMs: 1000 });
    expect(latency.errors).toBe(0);
    expect(latency.samples).toBeGreaterThan(0);
    expect(Number.isFinite(latency.p50Ms)).toBe(true);
    expect(latency.p50Ms).toBeGreaterThan(0);
    expect(latency.p50Ms).toBeLessThan(1000);

    const scenarios: BenchResults["scenarios"] = {
      bundle: { ok: false, error: "no client build" },
      remoteLatency: { ok: true, result: latency },
      roomCapacity: [{ clients: 200, outcome: { ok: false, error: "skipped" } }],
      sendFloor: { ok: true, result: floor },
    };
    if (capacity) {
      // Two sizes make a scaling curve: the tiny run, and the same figures as if for twice the clients at twice the tick.
      const twice = { ...capacity, clients: 2 * capacity.clients, tickMs: { ...capacity.tickMs, p50: 2 * capacity.tickMs.p50 + 1 } };
      const curve = scalingCurve([twice, capacity]).join("");
      expect(curve).toContain(`${capacity.clients} → ${twice.clients}: ${(((capacity.tickMs.p50 + 1) * 1000) / capacity.clients).toFixed(1)} µs per added client`);
    }
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      durationS: 1,
      machine: machineInfo(),
      git: gitInfo(),
      settings: { capacitySizes: [200], warmupS: 0, measureS: 0, latencyDurationS: 1, loadProcesses: 2, loadClientsDecodePatches: false },
      scenarios,
      rows: buildRows(scenarios),
    };
    expect(results.rows.map((r) => r.status)).toEqual(["error", "pass", "info", "error"]);
    const markdown = renderMarkdown(results);
    expect(markdown).toContain("npm run bench");
    expect(markdown).toContain("| Remote motion latency |");
    expect(markdown).toContain("This machine's floor");
    expect(JSON.parse(toJson(results))).toHaveProperty("rows");
  }, 20_000);
});

describe("rendering rows", () => {
  const frame = (calls: number, triangles = 30_000, views = 1) => ({ calls, triangles, views });
  const result = (callsAt200: number) => ({
    agents: 50,
    people: 20,
    desktop: frame(75),
    xr: frame(114, 58_000, 2),
    byAgents: [
      { agents: 10, desktop: frame(62), xr: frame(110, 56_000, 2) },
      { agents: 50, desktop: frame(75), xr: frame(114, 58_000, 2) },
      { agents: 200, desktop: frame(callsAt200), xr: frame(116, 70_000, 2) },
    ],
  });

  it("give the budget's counts per view and the growth from 10 to 200 agents", () => {
    const rows = xrDrawCallRows({ ok: true, result: result(80) });
    expect(rows.map((r) => [r.metric, r.status])).toEqual([
      ["draw calls per view, desktop", "pass"],
      ["triangles per view, desktop", "pass"],
      ["draw calls per view, XR (IWER Quest 3, 2 views per frame)", "pass"],
      ["triangles per view, XR (IWER Quest 3, 2 views per frame)", "pass"],
      ["draw calls per frame with 10 / 50 / 200 agents (flat in agent count)", "pass"],
    ]);
    expect(rows[2]!.measured).toBe("57");
    expect(rows[4]!.measured).toContain("desktop 62 / 75 / 80, XR 110 / 114 / 116");
  });

  it("fail the growth when 200 agents draw more than the labels' calls", () => {
    expect(xrDrawCallRows({ ok: true, result: result(62 + 25) }).at(-1)!.status).toBe("fail");
  });
});

describe("LLM broker scenario", () => {
  it("measures time to first token both ways and streams concurrent calls, at a tiny size", async () => {
    const r = await runBrokerOverhead({ samples: 6, warmup: 2, concurrentCalls: 4 });
    expect(r.samples).toBe(6);
    for (const v of [r.brokerP50Ms, r.directP50Ms, r.brokerP99Ms, r.directP99Ms]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1000);
    }
    expect(r.addedP50Ms).toBeCloseTo(r.brokerP50Ms - r.directP50Ms, 9);
    expect(r.concurrent).toMatchObject({ calls: 4, ok: 4, failures: [], maxInFlight: 4 });
    expect(r.concurrent.wallMs).toBeGreaterThan(900); // 100 chunks, 10 ms apart, all at once
    const rows = brokerOverheadRows({ ok: true, result: r });
    expect(rows.map((row) => row.scenario)).toEqual(["LLM broker", "LLM broker"]);
    expect(rows[1]!.status).toBe("pass");
    expect(brokerOverheadRows({ ok: false, error: "boom" })[0]!.status).toBe("error");
    expect(brokerOverheadRows(undefined)).toEqual([]);
  }, 20_000);
});

describe("agents streaming scenario", () => {
  it("streams every agent's reply at once through the real server and a fake upstream, at a tiny size", async () => {
    const r = await runAgentsStreaming({ agents: 3, streamMs: 400, chunks: 20, rounds: 1 });
    expect(r).toMatchObject({ agents: 3, agentsInRoom: 3, maxSpeaking: 3, finished: 3, failed: [], unfinished: [], errors: 0 });
    expect(r.upstream).toEqual({ requests: 3, maxInFlight: 3, disconnects: 0 });
    expect(r.speech.chars).toBe(r.speech.expectedChars); // every streamed character reached the client
    expect(r.speech.messages).toBeGreaterThanOrEqual(3); // at least one done message per agent
    expect(r.tickMs.samples).toBeGreaterThan(0);
    for (const v of [r.tickMs.p50, r.tickMs.p99, r.tickMs.max, r.speech.messagesPerS, r.downstreamBytesPerS]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(r.tickMs.p50).toBeLessThanOrEqual(r.tickMs.p99);
    expect(r.roundMs).toHaveLength(1);
    expect(r.roundMs[0]).toBeGreaterThan(400); // the reply streams for 400 ms
    expect(r.roundMs[0]).toBeLessThan(10_000);
    expect(r.firstSpeechMs.p50).toBeGreaterThan(0);
    expect(r.firstSpeechMs.max).toBeGreaterThanOrEqual(r.firstSpeechMs.p50);
    expect(r.firstSpeechMs.max).toBeLessThan(r.roundMs[0]!); // first words come before the round ends
    expect(r.warmup.tickMs?.samples).toBeGreaterThan(0);
    expect(r.streamingOnly?.tickMs.samples).toBeGreaterThan(0);

    const rows = agentsStreamingRows({ ok: true, result: r });
    expect(rows.map((row) => row.scenario)).toEqual(Array(rows.length).fill("3 agents streaming at once"));
    expect(rows[1]!.status).toBe("pass"); // all spoke at once and finished
    expect(["pass", "fail"]).toContain(rows[0]!.status);
    expect(agentsStreamingRows({ ok: false, error: "boom" })[0]!.status).toBe("error");
    expect(agentsStreamingRows(undefined)).toEqual([]);
    const details = agentsStreamingDetails({ ok: true, result: r }, 6_000).join("\n");
    expect(details).toContain("### Agents streaming at once");
    expect(details).not.toMatch(/NaN|undefined/);
  }, 15_000);
});
