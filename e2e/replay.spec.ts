import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexTimeline, tasksAt, type ReplayTimeline } from "../shared/replay";
import { enterAs, launchBrowser, screenshot, visit, waitUntil, type Visitor } from "./browser";
import { ROOT, startServer, type RunningServer } from "./server";

let server: RunningServer;
let browser: Browser;
let ada: Visitor;
let viewer: Visitor;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ada = await visit(browser, server.url);
  await enterAs(ada.page, "Ada");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function timeline(): Promise<ReplayTimeline> {
  const res = await fetch(`${server.url}/api/replay?workspace=main`);
  expect(res.status).toBe(200);
  return (await res.json()) as ReplayTimeline;
}

/** The cursor's time as the page shows it (epoch ms). */
const cursor = (page: Page) => page.getAttribute("[data-testid=replay-time]", "data-t").then(Number);
const columnCount = (page: Page, status: string) => page.locator(`[data-testid=replay-board] .column[data-status=${status}] .task-card`).count();

/** Luminance variance of the 2D map: near zero means nothing is drawn. */
function mapVariance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=campus-map]");
    if (!canvas) return 0;
    const ctx = canvas.getContext("2d")!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (let i = 0; i < data.length; i += 4 * 97) {
      const l = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += l;
      sumSq += l * l;
      n++;
    }
    return sumSq / n - (sum / n) ** 2;
  });
}

describe("the /replay view (offline agents, zero configuration)", () => {
  let taskId: string;

  it("records a run: the starter task goes through hand-offs to Ada's approval and done", async () => {
    const card = await waitUntil(
      "an approval question in the HUD",
      () => ada.page.waitForSelector("[data-testid=questions] [role=alertdialog]", { timeout: 1000 }).catch(() => null),
      90_000,
    );
    await card.$("button:has-text('Approve')").then((b) => b!.click());
    const done = await waitUntil(
      "the task done in the replay's timeline",
      async () => {
        const tl = await timeline();
        return tasksAt(indexTimeline(tl), tl.to).find((t) => t.status === "done");
      },
      30_000,
    );
    taskId = done.id;
  });

  it("opens /replay, lazily, and starts at the beginning with an empty board", async () => {
    // Ada is done: close her 3D page (software WebGL is heavy here), and let the recorded window
    // grow to at least 40 s, so that playing it at 16× lasts long enough to measure.
    await ada.context.close();
    const { from } = await timeline();
    await new Promise((r) => setTimeout(r, Math.max(0, from + 40_000 - Date.now())));
    viewer = await visit(browser, `${server.url}/replay?workspace=main`);
    const page = viewer.page;
    await page.waitForSelector("[data-testid=replay]", { timeout: 30_000 });
    await page.waitForSelector("[data-testid=campus-map]");
    await expect(page.textContent(".replay-brains")).resolves.toMatch(/Offline planner · \d+ decisions?/);
    const tl = await page.evaluate(() => ({ from: window.__atriumReplay!.timeline.from, to: window.__atriumReplay!.timeline.to }));
    expect(await cursor(page)).toBe(tl.from);
    expect(await page.locator("[data-testid=replay-board] .task-card").count()).toBe(0);
    await waitUntil("the map drawn", async () => (await mapVariance(page)) > 20);
    // The replay is its own chunk: the campus entry does not load it.
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "dist/client/.vite/manifest.json"), "utf8")) as Record<string, { file: string; src?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] }>;
    const entry = Object.values(manifest).find((c) => c.isEntry)!;
    const replayKey = Object.keys(manifest).find((k) => k.endsWith("modes/replay/ReplayApp.tsx"))!;
    expect(entry.dynamicImports).toContain(replayKey);
    expect(entry.imports ?? []).not.toContain(replayKey);
  });

  it("scrubs: End shows the task done; a click on the track shows the board as it was then", async () => {
    const page = viewer.page;
    await page.keyboard.press("End");
    await waitUntil("the done card at the end", async () => (await columnCount(page, "done")) === 1 || null);
    expect(await page.locator(`[data-testid=replay-board] .task-card[data-task=${taskId}]`).count()).toBe(1);

    const track = (await page.locator("[data-testid=replay-track]").boundingBox())!;
    await page.mouse.click(track.x + track.width * 0.3, track.y + track.height / 2);
    const tl = await page.evaluate(() => window.__atriumReplay!.timeline);
    const mid = await cursor(page);
    expect(Math.abs(mid - (tl.from + (tl.to - tl.from) * 0.3))).toBeLessThan((tl.to - tl.from) * 0.03);
    // What the board shows is the shared state-at-time logic at that moment.
    const expected = tasksAt(indexTimeline(tl), mid);
    for (const status of ["todo", "doing", "review", "done", "blocked"]) {
      await waitUntil(`${status} column at the middle`, async () => (await columnCount(page, status)) === expected.filter((t) => t.status === status).length || null);
    }
    await screenshot(page, "replay-scrubbed.png");
    await page.keyboard.press("ArrowLeft");
    expect(await cursor(page)).toBe(Math.max(tl.from, mid - 5000));
  });

  it("plays at 16×", async () => {
    const page = viewer.page;
    await page.keyboard.press("Home");
    await page.keyboard.press("Digit5");
    await expect(page.getAttribute(".speeds button.on", "aria-checked")).resolves.toBe("true");
    expect(await page.textContent(".speeds button.on")).toBe("16×");
    const before = await cursor(page);
    await page.keyboard.press("Space");
    // Measured inside the page, frame by frame: the clock's time against the frames' own times.
    const frames = await page.evaluate(async () => {
      const { clock, timeline } = window.__atriumReplay!;
      const span = Math.min(1200, ((timeline.to - clock.t) / 16) * 0.7);
      const samples: Array<{ ts: number; t: number; playing: boolean }> = [];
      await new Promise<void>((resolve) => {
        const probe = (ts: number) => {
          samples.push({ ts, t: clock.t, playing: clock.playing });
          if (ts - samples[0]!.ts >= span) resolve();
          else requestAnimationFrame(probe);
        };
        requestAnimationFrame(probe);
      });
      return samples;
    });
    // Frames are slow and uneven on a loaded machine: use those while it played (not yet at the end).
    const playing = frames.filter((f) => f.playing);
    expect(playing.length).toBeGreaterThanOrEqual(2);
    const first = playing[0]!;
    const last = playing.at(-1)!;
    const rate = (last.t - first.t) / (last.ts - first.ts);
    expect(rate).toBeGreaterThan(16 * 0.9);
    expect(rate).toBeLessThan(16 * 1.1);
    await screenshot(page, "replay-playing.png");
    expect(await page.getAttribute("[data-testid=replay-play]", "aria-label")).toMatch(/^(Pause|Play)$/);
    // The panels follow: the time shown has moved on.
    await waitUntil("the time shown to move", async () => (await cursor(page)) > before || null);
    // Pause (unless it already ran to the end, where Space would start it again).
    if (await page.evaluate(() => window.__atriumReplay!.clock.playing)) await page.keyboard.press("Space");
    await page.waitForSelector("[data-testid=replay-play][aria-label=Play]");
  });

  it("opens the provenance of an utterance and of a tool call: the offline planner's prompt and response", async () => {
    const page = viewer.page;
    await page.keyboard.press("End");
    await page.waitForSelector("[data-testid=log-message]");
    await screenshot(page, "replay-end.png");

    const said = (await page.locator("[data-testid=log-message] .text").first().textContent())!;
    await page.locator("[data-testid=log-message]").first().click();
    const panel = page.locator("[data-testid=provenance]");
    await panel.waitFor();
    await page.waitForSelector("[data-testid=provenance-call]");
    expect(await panel.locator("blockquote").textContent()).toBe(said);
    expect(await page.isVisible("[data-testid=offline-banner]")).toBe(true);
    const prompt = (await panel.locator(".prompt").textContent())!;
    expect(prompt).toContain("no language model is configured");
    const response = (await page.locator("[data-testid=provenance-response]").textContent())!;
    expect(response).toContain("say(");
    expect(response).toContain(JSON.stringify(said).slice(1, 40));
    expect(await page.locator("[data-testid=provenance-response] .this").count()).toBe(1); // the `say` that spoke it
    await screenshot(page, "replay-provenance.png");
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });

    await page.locator("[data-testid=log-tool]").first().click();
    await page.waitForSelector("[data-testid=provenance-call]");
    expect(await page.locator("[data-testid=provenance-response] .this").count()).toBe(1); // the very call is marked
    await page.keyboard.press("Escape");
  });

  it("saw no page errors", () => {
    expect(viewer.errors).toEqual([]);
    expect(ada.errors).toEqual([]);
  });
});
