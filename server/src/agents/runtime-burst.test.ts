import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentConfig, Roster } from "../../../shared/agents";
import { WorkspaceState } from "../../../shared/state";
import { createLogger } from "../logger";
import { openStore } from "../store/store";
import { deferred, msg, sleep, TestBrain, world } from "./runtime-fixtures";
import { AgentRuntime, BRAIN_START_BUDGET_MS, MAX_BRAIN_STARTS_PER_TICK, ROOM_WORK_BUDGET_MS, START_FALLBACK_MS, TICKS_STOPPED_MS } from "./runtime";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Keeps the thread busy for `ms`, like a start that does real work. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** A runtime with `count` agents whose brains block until released; each start first works for `startCostMs`. */
async function burst(count: number, startCostMs = 0, startBudgetMs = Infinity, roomWorkMs?: () => number) {
  const agents: AgentConfig[] = Array.from({ length: count }, (_, i) => ({
    id: `a-${i}`,
    name: `A${i}`,
    role: "Helper",
    persona: "A generated helper agent for the burst test, which only needs to be started.",
    home: world.districts[i % world.districts.length]!.id,
    tools: ["say"],
    appearance: { colour: "#888888", shape: "capsule" },
    budget: { usd: 1 },
  }));
  const roster: Roster = { agents };
  const release = deferred();
  const brain = new TestBrain(() => {
    busy(startCostMs);
    return release.promise;
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-burst-"));
  const store = await openStore(path.join(dir, "atrium.db"));
  const runtime = new AgentRuntime({ workspace: "burst", world, roster, store, log: createLogger("silent"), state: new WorkspaceState(), brain, broadcast: () => {}, startBudgetMs, ...(roomWorkMs ? { roomWorkMs } : {}) });
  cleanups.push(async () => {
    release.resolve();
    runtime.dispose();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const started = () => brain.log.filter((l) => l.startsWith("start:")).length;
  return { runtime, agents, started, brain };
}

describe("a burst of mail to many agents", () => {
  it("starts no brain inside deliver, then at most MAX_BRAIN_STARTS_PER_TICK per tick, oldest first", async () => {
    const count = 2 * MAX_BRAIN_STARTS_PER_TICK + 1;
    const { runtime, agents, started, brain } = await burst(count);
    for (const a of agents) runtime.deliver(a.id, msg("all at once"));
    expect(started()).toBe(0);
    runtime.tick(0.05);
    expect(started()).toBe(MAX_BRAIN_STARTS_PER_TICK);
    runtime.tick(0.05);
    expect(started()).toBe(2 * MAX_BRAIN_STARTS_PER_TICK);
    runtime.tick(0.05);
    expect(started()).toBe(count);
    expect(brain.log.filter((l) => l.startsWith("start:"))).toEqual(agents.map((a) => `start:${a.id}:all at once`));
  });

  it("stops starting brains in a tick once its starts have taken BRAIN_START_BUDGET_MS, but always starts one", async () => {
    const { runtime, agents, started } = await burst(3, BRAIN_START_BUDGET_MS * 1.5, BRAIN_START_BUDGET_MS);
    for (const a of agents) runtime.deliver(a.id, msg("slow starts"));
    runtime.tick(0.05);
    expect(started()).toBe(1);
    runtime.tick(0.05);
    expect(started()).toBe(2);
  });

  it("starts only the first brain of a tick when the room's own work since its last patch is already over ROOM_WORK_BUDGET_MS", async () => {
    let roomWork = ROOM_WORK_BUDGET_MS + 0.5; // the interval handled a burst of messages
    const { runtime, agents, started } = await burst(2 * MAX_BRAIN_STARTS_PER_TICK + 1, 0, Infinity, () => roomWork);
    for (const a of agents) runtime.deliver(a.id, msg("after a burst"));
    runtime.tick(0.05);
    expect(started()).toBe(1);
    roomWork = 0; // a fresh interval
    runtime.tick(0.05);
    expect(started()).toBe(1 + MAX_BRAIN_STARTS_PER_TICK);
  });

  it("leaves the starting to the ticks while they run: the fallback timer starts none between them", async () => {
    const { runtime, agents, started } = await burst(3 * MAX_BRAIN_STARTS_PER_TICK);
    for (const a of agents) runtime.deliver(a.id, msg("ticks only"));
    // Ticks that come later than the fallback timer would fire (a loaded server's ticks drift late).
    const gap = START_FALLBACK_MS * 2;
    expect(gap).toBeLessThan(TICKS_STOPPED_MS);
    runtime.tick(0.05);
    expect(started()).toBe(MAX_BRAIN_STARTS_PER_TICK);
    await sleep(gap);
    expect(started()).toBe(MAX_BRAIN_STARTS_PER_TICK);
    runtime.tick(0.05);
    expect(started()).toBe(2 * MAX_BRAIN_STARTS_PER_TICK);
    // When the ticks stop for good, the timer takes over.
    await sleep(TICKS_STOPPED_MS + START_FALLBACK_MS * 4);
    expect(started()).toBe(3 * MAX_BRAIN_STARTS_PER_TICK);
  });

  it("starts the waiting ones by itself when no tick drives it", async () => {
    const { runtime, agents, started } = await burst(6);
    for (const a of agents) runtime.deliver(a.id, msg("all at once"));
    await sleep(START_FALLBACK_MS * (6 / MAX_BRAIN_STARTS_PER_TICK + 3));
    expect(started()).toBe(6);
  });
});
