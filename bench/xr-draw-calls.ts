/**
 * Rendering budget with and without XR: the full campus with 50 agents and 20 people (this
 * browser plus 19 SDK clients, some of them VR people with hands and some AR markers), drawn in
 * headless Chromium (SwiftShader) and counted with three's renderer.info over one frame:
 *   - desktop: the usual third-person camera, high above the plaza looking down on everything;
 *   - XR: an IWER-emulated Quest 3 session (three renders each XR view; counts are per view), the headset lifted high above
 *     the plaza and looking down, with its controllers, rays and wrist menu in the frame.
 * The same runs with 10 and 200 agents show that draw calls do not grow with the number of agents
 * (the budget's "flat in agent count": 10 / 50 / 200).
 *
 * `npx tsx bench/xr-draw-calls.ts` (after `npm run build`) runs this scenario alone and prints
 * its rows; `npm run bench` includes it (bench/run.ts).
 */
import type { Page } from "playwright-core";
import { launchBrowser } from "../e2e/browser";
import { writeRoster } from "../e2e/roster";
import { startServer } from "../e2e/server";
import { xrContext } from "../e2e/xr-device";
import { SimClient } from "./sim-client";

/** Goals (DESIGN.md, Performance budgets; the Quest 3 guidance). */
export const XR_DRAW_CALL_GOAL = 100;
export const XR_TRIANGLE_GOAL = 300_000;
export const XR_BENCH_AGENTS = 50;
export const XR_BENCH_PEOPLE = 20;
/** Agents in the runs that show draw calls do not grow with agents (the middle one is the budget's). */
export const XR_BENCH_AGENT_COUNTS = [10, XR_BENCH_AGENTS, 200] as const;
/** Draw calls that 190 more agents may add at most: the name labels of the 12 nearest (their number is capped), nothing per agent. */
export const XR_AGENT_GROWTH_GOAL = 24;

export interface FrameCount {
  calls: number;
  triangles: number;
  /** Views rendered per frame (1 on desktop; 1 or 2 in XR). Calls are per frame, all views. */
  views: number;
}

export interface XRDrawCallsResult {
  agents: number;
  people: number;
  /** With XR_BENCH_AGENTS agents: the budget's counts. */
  desktop: FrameCount;
  xr: FrameCount;
  /** The counts with each of XR_BENCH_AGENT_COUNTS agents, for the growth check. */
  byAgents: { agents: number; desktop: FrameCount; xr: FrameCount }[];
}

const settle = (page: Page, ms: number) => page.waitForTimeout(ms);

async function countFrame(page: Page, views: number): Promise<FrameCount> {
  // Average a few frames' counts (info resets every frame); the max is what matters.
  let calls = 0;
  let triangles = 0;
  for (let i = 0; i < 5; i++) {
    const c = await page.evaluate(() => {
      const info = (window as any).__atrium.renderer?.info.render;
      return { calls: info?.calls ?? 0, triangles: info?.triangles ?? 0 };
    });
    calls = Math.max(calls, c.calls);
    triangles = Math.max(triangles, c.triangles);
    await settle(page, 120);
  }
  return { calls, triangles, views };
}

/** One room with `agents` agents and XR_BENCH_PEOPLE people; returns the desktop and XR counts. */
async function measure(agents: number): Promise<{ desktop: FrameCount; xr: FrameCount }> {
  const server = await startServer({ ATRIUM_AGENTS: writeRoster(agents) });
  const browser = await launchBrowser();
  const sims: SimClient[] = [];
  try {
    for (let i = 0; i < XR_BENCH_PEOPLE - 1; i++) {
      const sim = await SimClient.join(server.url, `Person ${i + 1}`, { decodePatches: false });
      sims.push(sim);
      // A third are VR people with hands, a sixth AR markers; the rest stay desktop people.
      if (i % 3 === 0) sim.room.send("move", { ...sim.spawn, yaw: 0, pitch: 0, mode: "vr", headY: 1.65, hands: 3, left: [-0.3, 1.2, -0.3], right: [0.3, 1.1, -0.3] });
      else if (i % 6 === 1) sim.room.send("move", { ...sim.spawn, yaw: 0, pitch: 0, mode: "ar" });
    }
    const context = await xrContext(browser, "quest3");
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector("[data-testid=landing]", { timeout: 60_000 });
    await page.click("[data-testid=mode-vr]");
    await page.fill("input[name=name]", "Counter");
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=enter-xr]", { timeout: 60_000 });
    const ready = Date.now() + 30_000;
    for (;;) {
      const n = await page.evaluate(() => ({ a: (window as any).__atrium.renderedAgentPoses.size, p: Object.keys((window as any).__atrium.store.getState().people).length }));
      if (n.a === agents && n.p === XR_BENCH_PEOPLE) break;
      if (Date.now() > ready) throw new Error(`after 30 s the page drew ${n.a} of ${agents} agents and ${n.p} of ${XR_BENCH_PEOPLE} people`);
      await settle(page, 200);
    }
    // Desktop: high above the plaza, looking down on the whole campus (nothing frustum-culled).
    await page.evaluate(() => {
      const w = window as any;
      w.__atrium.localPlayer.place(0, 0);
      w.__atrium.localPlayer.pose.pitch = -1.2;
      w.__atrium.cameraRig.max = 200;
      w.__atrium.cameraRig.distance = 150;
    });
    await settle(page, 2000);
    const desktop = await countFrame(page, 1);

    // XR: the same campus through the emulated headset, lifted high and looking down.
    await page.click("[data-testid=enter-xr]");
    await page.waitForFunction(() => !!(window as any).__atriumXR?.store.getState().session, null, { timeout: 30_000 });
    await page.evaluate(() => {
      const d = (window as any).__iwer;
      d.position.set(0, 90, 60);
      d.quaternion.set(-0.42, 0, 0, 0.9075); // about 50° down
      for (const h of ["left", "right"]) d.controllers[h].position.set(h === "left" ? -0.25 : 0.25, 89.5, 59.6);
    });
    await settle(page, 2500);
    const views = await page.evaluate(() => ((window as any).__atrium.renderer?.xr.getCamera().cameras.length as number) || 1);
    const xr = await countFrame(page, views);
    await context.close();
    return { desktop, xr };
  } finally {
    for (const s of sims) await s.leave().catch(() => undefined);
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

export async function runXRDrawCalls(onProgress: (m: string) => void = () => undefined): Promise<XRDrawCallsResult> {
  const byAgents: XRDrawCallsResult["byAgents"] = [];
  for (const agents of XR_BENCH_AGENT_COUNTS) {
    onProgress(`${agents} agents, ${XR_BENCH_PEOPLE} people`);
    byAgents.push({ agents, ...(await measure(agents)) });
  }
  const budget = byAgents.find((b) => b.agents === XR_BENCH_AGENTS)!;
  return { agents: XR_BENCH_AGENTS, people: XR_BENCH_PEOPLE, desktop: budget.desktop, xr: budget.xr, byAgents };
}

export interface XRRow {
  scenario: string;
  metric: string;
  goal: string;
  measured: string;
  value: number | null;
  unit: string;
  status: "pass" | "fail" | "error" | "info";
  note?: string;
}

/** The report rows (bench/report.ts shape). */
export function xrDrawCallRows(outcome: { ok: true; result: XRDrawCallsResult } | { ok: false; error: string } | undefined): XRRow[] {
  const scenario = `Rendering, ${XR_BENCH_AGENTS} agents + ${XR_BENCH_PEOPLE} people`;
  if (!outcome) return [];
  if (!outcome.ok) {
    return [{ scenario, metric: "draw calls per frame (desktop and XR)", goal: `≤ ${XR_DRAW_CALL_GOAL}`, measured: "—", value: null, unit: "", status: "error", note: outcome.error.split("\n")[0] }];
  }
  const r = outcome.result;
  const rows: XRRow[] = [];
  for (const [label, c] of [["desktop", r.desktop], [`XR (IWER Quest 3, ${r.xr.views} views per frame)`, r.xr]] as const) {
    const perView = c.calls / Math.max(1, c.views);
    rows.push({ scenario, metric: `draw calls per view, ${label}`, goal: `≤ ${XR_DRAW_CALL_GOAL}`, measured: String(perView), value: perView, unit: "calls", status: perView <= XR_DRAW_CALL_GOAL ? "pass" : "fail" });
    const tri = c.triangles / Math.max(1, c.views);
    rows.push({ scenario, metric: `triangles per view, ${label}`, goal: `≤ ${XR_TRIANGLE_GOAL.toLocaleString("en")}`, measured: Math.round(tri).toLocaleString("en"), value: tri, unit: "triangles", status: tri <= XR_TRIANGLE_GOAL ? "pass" : "fail" });
  }
  const first = r.byAgents[0]!;
  const last = r.byAgents.at(-1)!;
  const growth = Math.max(...r.byAgents.map((b) => Math.max(b.desktop.calls - first.desktop.calls, b.xr.calls - first.xr.calls)));
  const list = (pick: (b: XRDrawCallsResult["byAgents"][number]) => number | string) => r.byAgents.map(pick).join(" / ");
  rows.push({
    scenario,
    metric: `draw calls per frame with ${list((b) => b.agents)} agents (flat in agent count)`,
    goal: `at most ${XR_AGENT_GROWTH_GOAL} more with ${last.agents} than with ${first.agents} (labels of the 12 nearest only, none per agent)`,
    measured: `desktop ${list((b) => b.desktop.calls)}, XR ${list((b) => b.xr.calls)}; triangles per view, desktop ${list((b) => Math.round(b.desktop.triangles).toLocaleString("en"))}`,
    value: growth,
    unit: "calls",
    status: growth <= XR_AGENT_GROWTH_GOAL ? "pass" : "fail",
  });
  return rows;
}

// Standalone: `npx tsx bench/xr-draw-calls.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  runXRDrawCalls((m) => process.stdout.write(`[xr draw calls] ${m}\n`)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      for (const row of xrDrawCallRows({ ok: true, result })) process.stdout.write(`  ${row.status.toUpperCase().padEnd(5)} ${row.metric}: ${row.measured} (goal ${row.goal})\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`xr draw calls failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
