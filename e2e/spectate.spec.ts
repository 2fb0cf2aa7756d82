import fs from "node:fs";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../shared/constants";
import type { QuestionPayload } from "../shared/protocol/messages";
import type { WorkspaceState } from "../shared/state";
import { ARTIFACTS, launchBrowser, waitUntil } from "./browser";
import { startServer, type RunningServer } from "./server";

// The spectator dashboard at 1920×1080 with the offline agents working: a person (an SDK
// client, so the machine's one software GPU is left to the dashboard) kicks the work off and
// approves what the agents ask; the dashboard joins as a spectator and must show the agents on
// its map, grow its feed, advance its charts, and send nothing that could change anything.

const WORKSPACE = "main";
/** Client → server frames that carry a message (Colyseus protocol codes: ROOM_DATA, ROOM_DATA_SCHEMA, ROOM_DATA_BYTES, ROOM_INPUT_*, ROOM_REQUEST). */
const MESSAGE_CODES = new Set([13, 16, 17, 19, 20, 21]);

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ada: Room<unknown, WorkspaceState>;
const pageErrors: string[] = [];
const sentCodes: number[] = [];

/** Ada: joins as a person, which starts the offline planner's demo work, and approves each question after a moment. */
async function joinAda(): Promise<Room<unknown, WorkspaceState>> {
  const client = new Client(`ws://127.0.0.1:${server.port}`);
  const room = await client.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: WORKSPACE, name: "Ada" });
  room.onMessage("*", () => undefined);
  room.onMessage("question", (q: QuestionPayload) => {
    setTimeout(() => {
      if (room.connection.isOpen) room.send("answer", { requestId: q.requestId, choice: q.options[0] ?? "yes" });
    }, 2500);
  });
  return room;
}

/** Runs `fn` in the page with the dashboard's debug handle (window.__atriumSpectate). */
const spectate = <T,>(fn: (h: NonNullable<Window["__atriumSpectate"]>) => T) => page.evaluate(`(${fn.toString()})(window.__atriumSpectate)`) as Promise<T>;
const feedCount = () => page.locator("[data-testid=spectate-feed] ol li[data-kind]").count();

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ada = await joinAda();
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });
  page.on("websocket", (ws) =>
    ws.on("framesent", (frame) => {
      const payload = frame.payload;
      const first = typeof payload === "string" ? payload.charCodeAt(0) : payload[0];
      if (first !== undefined) sentCodes.push(first & 0x1f);
    }),
  );
  await page.goto(`${server.url}/spectate?workspace=${WORKSPACE}`);
});

afterAll(async () => {
  await ada?.leave(true).catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe("/spectate at 1920×1080 (offline agents working)", () => {
  it("joins as a spectator with no avatar, and the map shows every agent in its state's colour", async () => {
    await page.waitForSelector("[data-testid=spectate]", { timeout: 60_000 });
    await page.waitForSelector("[data-testid=spectate-status][data-status=connected]");
    // No avatar: the person in the room is Ada alone.
    await waitUntil("Ada in the dashboard's state", () => page.evaluate(() => Object.keys(window.__atrium.store.getState().people).length === 1));
    expect(ada.state.people.size).toBe(1);
    const agentCount = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents).length);
    expect(agentCount).toBeGreaterThanOrEqual(5);
    // Every agent is drawn where it is, in the colour of its state (the body's centre pixel).
    const drawn = await waitUntil(
      "every agent on the map, in its state's colour",
      async () => {
        const r = await spectate((h) => {
          const scene = h.map;
          const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=campus-map]");
          if (!scene || !scene.lastView || !canvas) return null;
          const v = scene.lastView;
          const dpr = canvas.width / v.width;
          const ctx = canvas.getContext("2d")!;
          return scene.drawn.map((a) => {
            const px = ctx.getImageData(Math.round((v.cx + a.x * v.scale) * dpr), Math.round((v.cy + a.z * v.scale) * dpr), 1, 1).data;
            const want = Number.parseInt(a.stateColour.slice(1), 16);
            const diff = Math.abs(px[0]! - ((want >> 16) & 255)) + Math.abs(px[1]! - ((want >> 8) & 255)) + Math.abs(px[2]! - (want & 255));
            return { id: a.id, visible: a.visible, diff };
          });
        });
        if (!r || r.length < agentCount || !r.every((a) => a.visible)) return null;
        // An agent standing under another's name or bubble may be covered; most must show.
        return r.filter((a) => a.diff < 60).length >= r.length - 1 ? r : null;
      },
      30_000,
    );
    expect(drawn.length).toBe(agentCount);
    // Cards for every agent, numbered for the focus keys.
    expect(await page.locator("[data-testid=agent-card]").count()).toBe(agentCount);
  });

  it("grows the feed as the agents work: hand-offs, speech, approvals asked and given", async () => {
    const first = await waitUntil("the first feed entries", async () => ((await feedCount()) > 0 ? feedCount() : null), 60_000);
    await waitUntil("more feed entries", async () => (await feedCount()) > first, 60_000);
    const kinds = await waitUntil(
      "an approval asked and given in the feed",
      async () => {
        const k = await page.locator("[data-testid=spectate-feed] li[data-kind]").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
        return k.includes("approval-asked") && k.includes("approval") ? k : null;
      },
      120_000,
    );
    expect(kinds).toEqual(expect.arrayContaining(["task", "approval-asked", "approval"]));
    expect(kinds.some((k) => k === "hand-off" || k === "speech" || k === "artifact")).toBe(true);
  });

  it("advances the charts' data: buckets pushed over the room's WebSocket, tasks and states counted live, the history loaded once", async () => {
    const read = () =>
      spectate((h) => {
        const s = h.store.getState();
        return { pushes: s.statsPushes, loads: s.statsLoads, lastT: s.stats.buckets.at(-1)?.t ?? 0, llmThrough: s.stats.llmThrough };
      });
    const lastX = (id: string) => page.getAttribute(`[data-testid=${id}]`, "data-last-t").then(Number);
    const before = await read();
    const [statesX, latencyX] = [await lastX("chart-states"), await lastX("chart-latency")];
    const after = await waitUntil(
      "a new bucket in the charts, and a pushed one in the LLM charts",
      async () => {
        const s = await read();
        const advanced = s.lastT > before.lastT && (await lastX("chart-states")) > statesX && (await lastX("chart-latency")) > latencyX;
        return advanced && s.pushes > before.pushes && s.llmThrough > before.llmThrough ? s : null;
      },
      30_000,
    );
    // No polling: the history came over HTTP once, when the dashboard joined; the rest was pushed or counted here.
    expect(before.loads).toBeGreaterThanOrEqual(1);
    expect(after.loads).toBe(before.loads);
    const last = await spectate((h) => {
      const b = h.store.getState().stats.buckets;
      return { states: (b.at(-2)?.states ?? {}) as Record<string, number>, tasks: (b.at(-1)?.tasks ?? {}) as Record<string, number>, brain: h.store.getState().stats.brain, calls: b.reduce((n, x) => n + x.calls, 0) };
    });
    const agents = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents).length);
    expect(Object.values(last.states).reduce((a, b) => a + b, 0)).toBeCloseTo(agents, 0);
    expect(Object.values(last.tasks).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(last.brain).toBe("offline");
    expect(last.calls).toBeGreaterThan(0);
    // Each chart has drawn: a uPlot canvas with the points.
    for (const id of ["chart-tokens", "chart-spend", "chart-tasks", "chart-states", "chart-latency"]) {
      expect(Number(await page.getAttribute(`[data-testid=${id}]`, "data-points"))).toBeGreaterThan(10);
      expect(await page.locator(`[data-testid=${id}] canvas`).count()).toBe(1);
    }
  });

  it("saves a screenshot at 1920×1080", async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "spectate-1080p.png") });
    const fontPx = await page.evaluate(() => getComputedStyle(document.querySelector("[data-testid=spectate]")!).fontSize);
    expect(fontPx).toBe("16px");
  });

  it("keyboard: focus an agent with a number and the arrows, pause and resume the feed", async () => {
    await page.keyboard.press("2");
    const second = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents)[1]!);
    await page.waitForSelector(`[data-testid=agent-card][data-agent=${second}].focused`);
    await page.keyboard.press("ArrowRight");
    const third = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents)[2]!);
    await page.waitForSelector(`[data-testid=agent-card][data-agent=${third}].focused`);
    await page.keyboard.press("Escape");
    await waitUntil("no focus", async () => (await page.locator("[data-testid=agent-card].focused").count()) === 0);

    await page.keyboard.press("p");
    await page.waitForSelector("[data-testid=spectate-feed][data-paused=true]");
    const frozen = await page.locator("[data-testid=spectate-feed] li[data-kind]").allTextContents();
    // The live feed keeps growing underneath (Ada asks an agent something); the wall holds still until P again.
    const agentId = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents)[0]!);
    ada.send("talk", { agentId, text: "How is it going over there?" });
    await waitUntil("a new entry behind the paused feed", () => spectate((h) => h.store.getState().feed.length > h.store.getState().frozenFeed.length), 60_000);
    expect(await page.locator("[data-testid=spectate-feed] li[data-kind]").allTextContents()).toEqual(frozen);
    await page.keyboard.press("p");
    await page.waitForSelector("[data-testid=spectate-feed][data-paused=false]");
  });

  it("V switches to the 3D tour, which follows an agent, and back to the map", async () => {
    await page.keyboard.press("v");
    await page.waitForSelector("[data-testid=spectate-tour] canvas", { timeout: 60_000 });
    const target = await waitUntil("the tour on an agent", async () => (await page.getAttribute("[data-testid=spectate-tour]", "data-target")) || null, 30_000);
    const agentIds = await page.evaluate(() => Object.keys(window.__atrium.store.getState().agents));
    expect(agentIds).toContain(target);
    // Focusing an agent sends the tour to it.
    await page.keyboard.press("1");
    await waitUntil("the tour on the focused agent", async () => (await page.getAttribute("[data-testid=spectate-tour]", "data-target")) === agentIds[0], 10_000);
    await new Promise((r) => setTimeout(r, 2500)); // the camera's flight
    await page.screenshot({ path: path.join(ARTIFACTS, "spectate-tour.png") });
    await page.keyboard.press("Escape");
    await page.keyboard.press("v");
    await page.waitForSelector("[data-testid=campus-map]");
  });

  it("scales its type for 3840×2160", async () => {
    await page.setViewportSize({ width: 3840, height: 2160 });
    await waitUntil("the larger type", async () => (await page.evaluate(() => getComputedStyle(document.querySelector("[data-testid=spectate]")!).fontSize)) === "32px");
    await new Promise((r) => setTimeout(r, 1000));
    await page.screenshot({ path: path.join(ARTIFACTS, "spectate-2160p.png") });
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it("sent no message at all, and raised no error", () => {
    expect(sentCodes.length).toBeGreaterThan(0); // the socket was watched (join handshake, pongs)
    expect(sentCodes.filter((c) => MESSAGE_CODES.has(c))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("is offered on the landing page as “Watch (spectator)”", async () => {
    const landing = await context.newPage();
    await landing.goto(`${server.url}/?workspace=${WORKSPACE}`);
    const link = await landing.waitForSelector("[data-testid=watch-link]", { timeout: 60_000 });
    expect(await link.textContent()).toBe("Watch (spectator)");
    expect(await link.getAttribute("href")).toBe(`/spectate?workspace=${WORKSPACE}`);
    await landing.close();
  });
});
