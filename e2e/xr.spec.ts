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

/** Points an input (controller or hand) at a world point: its pose in the tracked space looks at it. */
async function aim(page: Page, input: "controller" | "hand", hand: "left" | "right", target: { x: number; y: number; z: number }): Promise<void> {
  await page.evaluate(
    ([input, hand, t]) => {
      const w = window as any;
      const device = w.__iwer;
      const origin = w.__atriumXR.store.getState().origin;
      const local = origin.worldToLocal(new origin.position.constructor(t.x, t.y, t.z));
      const src = input === "controller" ? device.controllers[hand] : device.hands[hand];
      const p = src.position;
      const dx = local.x - p.x, dy = local.y - p.y, dz = local.z - p.z;
      const len = Math.hypot(dx, dy, dz) || 1;
      const bx = dx / len, by = dy / len, bz = dz / len;
      // Rotation taking -z onto (bx, by, bz).
      let qx = by, qy = -bx, qz = 0, qw = 1 - bz;
      if (qw < 1e-6) { qx = 0; qy = 1; qz = 0; qw = 0; }
      const ql = Math.hypot(qx, qy, qz, qw);
      src.quaternion.set(qx / ql, qy / ql, qz / ql, qw / ql);
    },
    [input, hand, target] as const,
  );
  await frames(page, 300);
}

async function pull(page: Page, hand: "left" | "right"): Promise<void> {
  await onDevice(page, (d, h: string) => d.controllers[h].updateButtonValue("trigger", 1), hand);
  await frames(page, 250);
  await onDevice(page, (d, h: string) => d.controllers[h].updateButtonValue("trigger", 0), hand);
  await frames(page, 250);
}

/** World position of a named object in the scene (a uikit button, a panel). */
function objectPosition(page: Page, name: string): Promise<{ x: number; y: number; z: number } | null> {
  return page.evaluate((n) => {
    const store = (window as any).__atriumXR.store.getState();
    const scene = store.origin?.parent;
    let found: any = null;
    scene?.traverse((o: any) => {
      if (!found && o.name === n) found = o;
    });
    if (!found) return null;
    const v = new found.position.constructor();
    found.getWorldPosition(v);
    return { x: v.x, y: v.y, z: v.z };
  }, name);
}

/**
 * Teleports (the wrist menu's path) to 3 m from an agent on the side of the plaza, so nothing
 * stands between, and returns where the agent is drawn now.
 */
async function agentPosition(page: Page): Promise<{ id: string; x: number; y: number; z: number }> {
  const first = await waitUntil("an agent drawn", () =>
    page.evaluate(() => {
      const poses = (window as any).__atrium.renderedAgentPoses as Map<string, { x: number; z: number }>;
      for (const [id, p] of poses) return { id, x: p.x, y: 1.0, z: p.z };
      return null;
    }),
  );
  const inXR = await page.evaluate(() => !!(window as any).__atriumXR?.store.getState().session);
  if (!inXR) return first;
  await page.evaluate((a) => {
    const r = Math.hypot(a.x, a.z) || 1;
    const t = (window as any).__atriumXR.teleport;
    t.x = a.x - (a.x / r) * 3;
    t.z = a.z - (a.z / r) * 3;
    t.pending = true;
  }, first);
  await frames(page, 700);
  return page.evaluate((id) => {
    const p = (window as any).__atrium.renderedAgentPoses.get(id);
    return { id, x: p.x, y: 1.0, z: p.z };
  }, first.id);
}

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
    // Waited for, not slept on: the emulated headset can run at a few frames a second under load.
    const aiming = await waitUntil("the teleport arc", () =>
      page.evaluate(() => {
        const a = (window as any).__atriumXR.aim;
        return a.active ? { ...a, points: undefined } : null;
      }),
    );
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

  it("Quest 3: a controller ray selects an agent, and a select on a task card opens its panel", async () => {
    const { page } = await enterXR("quest3", "vr", "Ray");
    const agent = await agentPosition(page);
    await aim(page, "controller", "right", agent);
    await pull(page, "right");
    await waitUntil("the talk panel for that agent", () => page.evaluate((a) => (window as any).__atrium.store.getState().talkTo === a, agent.id));
    expect(await objectPosition(page, "xr-talk-panel")).not.toBeNull();
    await screenshot(page, "xr-vr-talk-panel.png");
    await page.evaluate(() => (window as any).__atrium.store.setState({ talkTo: null }));

    // A task on a board (the offline coordinator starts one when the first person arrives).
    const task = await waitUntil(
      "a task card on a board",
      () =>
        page.evaluate(() => {
          const s = (window as any).__atrium.store.getState();
          const centres = (window as any).__atrium.cardCentres as Map<string, { x: number; y: number; z: number }>;
          for (const t of Object.values(s.tasks) as { id: string; status: string }[]) {
            const c = centres.get(t.id);
            if (c && (t.status === "todo" || t.status === "doing")) return { id: t.id, status: t.status, ...c };
          }
          return null;
        }),
      60_000,
    );
    // Stand in front of that board (the menu's teleport path), then point and pull.
    await page.evaluate((t) => {
      const r = (window as any).__atriumXR.teleport;
      r.x = t.x;
      r.z = t.z;
      r.pending = true;
    }, task);
    await frames(page, 600);
    await aim(page, "controller", "right", task);
    await pull(page, "right");
    await waitUntil("the task panel", () => page.evaluate((id) => (window as any).__atrium.store.getState().selectedTask === id, task.id));
    // The panel's status buttons are drawn (pressing one is not checked here yet: see issue 6).
    const target = task.status === "todo" ? "doing" : "review";
    expect(await waitUntil(`the "${target}" button`, () => objectPosition(page, `status:${target}`))).not.toBeNull();
    await screenshot(page, "xr-vr-task-panel.png");
  });
});
