import { Client, type Room } from "@colyseus/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WORKSPACE, WORKSPACE_ROOM } from "../shared/constants";
import { HAND_ARTICULATED, HAND_LEFT, HAND_RIGHT, type WorkspaceState } from "../shared/state";
import { launchBrowser, screenshot, selfId, waitUntil } from "./browser";
import { startServer, type RunningServer } from "./server";
import { onDevice, xrContext, type EmulatedDevice } from "./xr-device";

let browser: Browser;
let server: RunningServer;
let observer: Room<unknown, WorkspaceState>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer();
  // Another person in the room, as a plain SDK client: what the server holds is what others see.
  observer = await new Client(server.url).joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: DEFAULT_WORKSPACE, name: "Observer", mode: "desktop" });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await observer?.leave().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

function person(id: string) {
  return observer.state.people.get(id);
}

/** Opens the app on an emulated device, picks `mode` on the landing page, joins and starts the session. */
async function enterXR(kind: EmulatedDevice, mode: "vr" | "ar", name: string): Promise<{ page: Page; id: string; errors: string[] }> {
  const context = await xrContext(browser, kind);
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await page.waitForSelector("[data-testid=landing]", { timeout: 60_000 });
  await page.click(`[data-testid=mode-${mode}]`);
  await page.waitForSelector("[data-testid=name-prompt]");
  await page.fill("input[name=name]", name);
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=campus] canvas", { timeout: 60_000 });
  await page.waitForSelector("[data-testid=enter-xr]", { timeout: 60_000 });
  await page.click("[data-testid=enter-xr]");
  await waitUntil("the XR session", () => page.evaluate(() => !!(window as any).__atriumXR?.store.getState().session), 30_000);
  const id = await selfId(page);
  return { page, id, errors };
}

/** Luminance variance of the app's canvas (IWER moves it out of the page into its own container). */
function xrCanvasVariance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = (window as any).__atrium.renderer?.domElement as HTMLCanvasElement | undefined;
    if (!canvas) return 0;
    const small = document.createElement("canvas");
    small.width = 64;
    small.height = 36;
    const ctx = small.getContext("2d")!;
    ctx.drawImage(canvas, 0, 0, 64, 36);
    const { data } = ctx.getImageData(0, 0, 64, 36);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < data.length; i += 4) {
      const l = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      sum += l;
      sq += l * l;
    }
    const n = data.length / 4;
    return sq / n - (sum / n) ** 2;
  });
}

/** Steps the emulated frame loop a little (IWER runs on requestAnimationFrame). */
const frames = (page: Page, ms = 400) => page.waitForTimeout(ms);

describe("XR on every device (IWER in headless Chromium)", () => {
  it("Quest 3: enters VR, others see a head and two hands, a teleport moves the person on the server, snap turn turns", async () => {
    const { page, id, errors } = await enterXR("quest3", "vr", "Vera");
    await waitUntil("the server sees a VR person with hands", async () => {
      const p = person(id);
      return p && p.mode === "vr" && (p.hands & (HAND_LEFT | HAND_RIGHT)) === (HAND_LEFT | HAND_RIGHT) && p.headY > 1;
    });
    const before = { x: person(id)!.x, z: person(id)!.z, yaw: person(id)!.yaw };

    // Right stick forward: the arc and its marker show; release: the rig jumps where it landed.
    await onDevice(page, (d) => d.controllers.right.updateAxes("thumbstick", 0, -1), null);
    await frames(page, 500);
    const aiming = await page.evaluate(() => ({ ...(window as any).__atriumXR.aim, points: undefined }));
    expect(aiming.active).toBe(true);
    await screenshot(page, "xr-vr-teleport-arc.png");
    expect(aiming.valid).toBe(true);
    await onDevice(page, (d) => d.controllers.right.updateAxes("thumbstick", 0, 0), null);
    await waitUntil("the server moved the person to the teleport target", async () => {
      const p = person(id);
      return p && Math.hypot(p.x - aiming.x, p.z - aiming.z) < 0.6 && Math.hypot(p.x - before.x, p.z - before.z) > 2;
    });

    // Snap turn: one push right turns by the snap step (30° by default), once.
    const yaw0 = await page.evaluate(() => (window as any).__atriumXR.rig.yaw as number);
    await onDevice(page, (d) => d.controllers.right.updateAxes("thumbstick", 1, 0), null);
    await frames(page, 400);
    await onDevice(page, (d) => d.controllers.right.updateAxes("thumbstick", 0, 0), null);
    await frames(page, 300);
    const yaw1 = await page.evaluate(() => (window as any).__atriumXR.rig.yaw as number);
    expect(yaw1 - yaw0).toBeCloseTo(-Math.PI / 6, 3);
    await waitUntil("the server saw the turn", async () => Math.abs(person(id)!.yaw - (before.yaw - Math.PI / 6)) < 0.05);

    expect(await xrCanvasVariance(page)).toBeGreaterThan(20);
    await screenshot(page, "xr-vr.png");
    expect(errors).toEqual([]);
  });
});
