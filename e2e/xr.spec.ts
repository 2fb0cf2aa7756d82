import { Client, type Room } from "@colyseus/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WORKSPACE, WORKSPACE_ROOM } from "../shared/constants";
import { HAND_ARTICULATED, HAND_LEFT, HAND_RIGHT, type WorkspaceState } from "../shared/state";
import { launchBrowser, screenshot, selfId, waitUntil } from "./browser";
import { startServer, type RunningServer } from "./server";
import { trackPoses, type SeenPose } from "../server/src/testing/pose-tracker";
import { enterXR as openXR, frames, objectPosition, onDevice, xrFrames, type EmulatedDevice } from "./xr-device";

let browser: Browser;
let server: RunningServer;
let observer: Room<unknown, WorkspaceState>;
let poses: Map<string, SeenPose>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer();
  // Another person in the room, as a plain SDK client: what the server holds is what others see.
  observer = await new Client(server.url).joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: DEFAULT_WORKSPACE, name: "Observer", mode: "desktop" });
  poses = trackPoses(observer);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await observer?.leave().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

/** What the observer sees of a person: mode from the state, pose and XR body from the pose stream. */
function person(id: string) {
  const p = observer.state.people.get(id);
  const pose = poses.get(id);
  return p && pose && Number.isFinite(pose.x) ? { mode: p.mode, ...pose } : undefined;
}

/**
 * One page at a time: an emulated headset renders every frame, and the earlier tests' pages left
 * open would share the machine's two cores with this one.
 */
async function closeEarlierPages(): Promise<void> {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
}

/** Opens the app on an emulated device, picks `mode` on the landing page, joins and starts the session. */
async function enterXR(kind: EmulatedDevice, mode: "vr" | "ar", name: string): Promise<{ page: Page; id: string; errors: string[] }> {
  await closeEarlierPages();
  const visit = await openXR(browser, kind, mode, server.url, name);
  contexts.push(visit.context);
  return visit;
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

/** Waits at least `ms` and at least `n` XR frames (a loaded machine can take a second a frame). */
async function settle(page: Page, ms: number, n: number): Promise<void> {
  await Promise.all([frames(page, ms), xrFrames(page, n)]);
}

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
  await settle(page, 300, 3); // the new pose, then the pointer's move along it
}

/** A trigger pull: pressed for a few frames (so the app sees both edges), then released. */
async function pull(page: Page, hand: "left" | "right"): Promise<void> {
  await onDevice(page, (d, h: string) => d.controllers[h].updateButtonValue("trigger", 1), hand);
  await settle(page, 250, 2);
  await onDevice(page, (d, h: string) => d.controllers[h].updateButtonValue("trigger", 0), hand);
  await settle(page, 250, 2);
}

/**
 * Teleports (the wrist menu's path) to 3 m from an agent on the side of the plaza, so nothing
 * stands between, and returns where the agent is drawn now.
 */
async function agentPosition(page: Page): Promise<{ id: string; x: number; y: number; z: number }> {
  // An idle agent (one walking to a board would move out of the way of the ray), else any.
  const first = await waitUntil("an agent drawn", () =>
    page.evaluate(() => {
      const poses = (window as any).__atrium.renderedAgentPoses as Map<string, { x: number; z: number }>;
      const agents = (window as any).__atrium.store.getState().agents as Record<string, { state: string }>;
      let any: { id: string; x: number; y: number; z: number } | null = null;
      for (const [id, p] of poses) {
        if (agents[id]?.state === "idle") return { id, x: p.x, y: 1.0, z: p.z };
        any ??= { id, x: p.x, y: 1.0, z: p.z };
      }
      return any;
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
  await settle(page, 700, 4);
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

    // Point the right controller up and away from the plaza's fountain (the spawn faces it, and
    // an arc that lands in it is rightly invalid): the landing spot is then open ground.
    const away = Math.hypot(before.x, before.z) || 1;
    await aim(page, "controller", "right", { x: before.x + (before.x / away) * 6, y: 4, z: before.z + (before.z / away) * 6 });
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
    await settle(page, 400, 2);
    await onDevice(page, (d) => d.controllers.right.updateAxes("thumbstick", 0, 0), null);
    await settle(page, 300, 2);
    const yaw1 = await page.evaluate(() => (window as any).__atriumXR.rig.yaw as number);
    expect(yaw1 - yaw0).toBeCloseTo(-Math.PI / 6, 3);
    await waitUntil("the server saw the turn", async () => Math.abs(person(id)!.yaw - (before.yaw - Math.PI / 6)) < 0.05);

    expect(await xrCanvasVariance(page)).toBeGreaterThan(20);
    await screenshot(page, "xr-vr.png");
    expect(errors).toEqual([]);
  });

  it("Quest 3: a controller ray selects an agent, and a select on a task card then on its panel's status button changes the task", async () => {
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
    await settle(page, 600, 4);
    await aim(page, "controller", "right", task);
    await pull(page, "right");
    await waitUntil("the task panel", () => page.evaluate((id) => (window as any).__atrium.store.getState().selectedTask === id, task.id));
    // A select on the panel's status button moves the task (as the server holds it).
    const target = task.status === "todo" ? "doing" : "review";
    const button = await waitUntil(`the "${target}" button`, () => objectPosition(page, `status:${target}`));
    await screenshot(page, "xr-vr-task-panel.png");
    await aim(page, "controller", "right", button);
    await pull(page, "right");
    await waitUntil(`the task moved to ${target}`, async () => observer.state.tasks.get(task.id)?.status === target, 20_000);
    // By this person's select, not by an agent working on it.
    const { events } = (await (await fetch(`${server.url}/api/tasks/${task.id}`)).json()) as { events: { actor: string; kind: string; data: { to?: string } }[] };
    expect(events.some((e) => e.kind === "status" && e.actor === "Ray" && e.data.to === target)).toBe(true);
  });
  it("Quest 3 hand tracking: a pinch selects", async () => {
    const { page } = await enterXR("quest3", "vr", "Hana");
    await onDevice(page, (d) => void (d.primaryInputMode = "hand"), null);
    await settle(page, 800, 4);
    const agent = await agentPosition(page);
    await aim(page, "hand", "right", agent);
    await onDevice(page, (d) => d.hands.right.updatePinchValue(1), null);
    await settle(page, 300, 2);
    await onDevice(page, (d) => d.hands.right.updatePinchValue(0), null);
    await waitUntil("a pinch selected the agent", () => page.evaluate((a) => (window as any).__atrium.store.getState().talkTo === a, agent.id));
    const id = await selfId(page);
    await waitUntil("the server knows these are hands", async () => ((person(id)?.hands ?? 0) & HAND_ARTICULATED) !== 0);
    await screenshot(page, "xr-vr-hands.png");
  });

  it("Vision Pro: a gaze-and-pinch transient-pointer selects, with no controller", async () => {
    const { page } = await enterXR("visionpro", "vr", "Avi");
    const controllers = await page.evaluate(() => (window as any).__atriumXR.store.getState().inputSourceStates.filter((s: any) => s.type === "controller").length);
    expect(controllers).toBe(0);
    const agent = await agentPosition(page);
    // Gaze and pinch: look at the agent (the headset turns towards it), then pinch.
    await page.evaluate((t) => {
      const w = window as any;
      const origin = w.__atriumXR.store.getState().origin;
      const local = origin.worldToLocal(new origin.position.constructor(t.x, t.y, t.z));
      const eye = w.__iwer.position;
      const yaw = Math.atan2(-(local.x - eye.x), -(local.z - eye.z));
      w.__iwer.quaternion.set(0, Math.sin(yaw / 2), 0, Math.cos(yaw / 2));
    }, agent);
    await settle(page, 2500, 8); // the body-locked menu drifts back to low left of the new view
    const ray = await page.evaluate((t) => {
      const w = window as any;
      const origin = w.__atriumXR.store.getState().origin;
      const local = origin.worldToLocal(new origin.position.constructor(t.x, t.y, t.z));
      const eye = w.__iwer.position;
      return { origin: [eye.x, eye.y, eye.z], direction: [local.x - eye.x, local.y - eye.y, local.z - eye.z] };
    }, agent);
    await page.evaluate((r) => (window as any).__iwerTransient.begin(r.origin, r.direction), ray);
    // The pinch is held until the app has the transient pointer and its selectstart.
    await waitUntil("the transient pointer's selectstart", () =>
      page.evaluate(() => {
        const w = window as any;
        const has = w.__atriumXR.store.getState().inputSourceStates.some((s: any) => s.type === "transientPointer");
        return has && w.__iwerTransient.sent().includes("selectstart");
      }),
    );
    await settle(page, 300, 2);
    await page.evaluate(() => (window as any).__iwerTransient.end());
    await waitUntil("select and selectend sent", () => page.evaluate(() => (window as any).__iwerTransient.sent().includes("selectend")));
    await waitUntil("the transient pointer selected the agent", () => page.evaluate((a) => (window as any).__atrium.store.getState().talkTo === a, agent.id));
    await screenshot(page, "xr-visionpro.png");
  });

  it("AR: hit-test placement puts the campus on the surface where it was placed, at about 1:50", async () => {
    const { page, id } = await enterXR("quest3-ar", "ar", "Aria");
    // Look 60° down into the synthetic room, so the viewer's hit test finds a surface below the eyes.
    await onDevice(page, (d) => {
      d.quaternion.set(-0.5, 0, 0, 0.8660254);
    }, null);
    await waitUntil("a hit-test reticle below the eyes", () => page.evaluate(() => {
      const p = (window as any).__atriumXR.placement;
      return !p.placed && Number.isFinite(p.y) && p.y < 1.2 && p.z < -0.2 ? { ...p } : null;
    }), 20_000);
    await screenshot(page, "xr-ar-reticle.png");
    await pull(page, "right");
    const placed = await waitUntil("placed", () => page.evaluate(() => {
      const w = window as any;
      const p = w.__atriumXR.placement;
      if (!p.placed) return null;
      const origin = w.__atriumXR.store.getState().origin;
      // The campus centre (world 0,0,0) in the tracked space.
      const centre = origin.worldToLocal(new origin.position.constructor(0, 0, 0));
      return { p: { ...p }, centre: { x: centre.x, y: centre.y, z: centre.z }, scale: origin.scale.x };
    }));
    expect(placed.centre.x).toBeCloseTo(placed.p.x, 3);
    expect(placed.centre.y).toBeCloseTo(placed.p.y, 3);
    expect(placed.centre.z).toBeCloseTo(placed.p.z, 3);
    expect(placed.scale).toBeCloseTo(50, 3);
    // The hit is on a surface of the synthetic room (a desk, here) where the eyes look: in front,
    // below, 60° down from the head at 1.6 m.
    expect(placed.p.y).toBeLessThan(1);
    expect(placed.p.z).toBeLessThan(-0.2);
    expect((1.6 - placed.p.y) / -placed.p.z).toBeCloseTo(Math.tan(Math.PI / 3), 1);
    // It stays there: the campus does not creep after it was put down.
    await settle(page, 1500, 4);
    const later = await page.evaluate(() => {
      const o = (window as any).__atriumXR.store.getState().origin;
      const c = o.worldToLocal(new o.position.constructor(0, 0, 0));
      return { x: c.x, y: c.y, z: c.z };
    });
    expect(later.x).toBeCloseTo(placed.centre.x, 3);
    expect(later.y).toBeCloseTo(placed.centre.y, 3);
    expect(later.z).toBeCloseTo(placed.centre.z, 3);
    await frames(page, 800);
    await waitUntil("others see an AR marker", async () => person(id)?.mode === "ar");
    await screenshot(page, "xr-ar-tabletop.png");
  });

  it("phone without immersive-ar: the touch 3D view orbits and a tap selects an agent", async () => {
    await closeEarlierPages();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector("[data-testid=landing]", { timeout: 60_000 });
    await page.click("[data-testid=mode-touch]");
    await page.fill("input[name=name]", "Tap");
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=campus] canvas", { timeout: 60_000 });
    const id = await selfId(page);
    await waitUntil("others see an AR marker", async () => person(id)?.mode === "ar");
    // Real touches (CDP touch events, which Chromium turns into touch pointer events on the canvas).
    const cdp = await context.newCDPSession(page);
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", points: [number, number][]) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y], i) => ({ x, y, id: i })) });
    const orbitNow = () => page.evaluate(() => ({ ...(window as any).__atriumXR.orbit }) as { azimuth: number; elevation: number; distance: number });
    // One finger dragged 80 px to the left orbits round the point looked at.
    const o0 = await orbitNow();
    await touch("touchStart", [[200, 600]]);
    for (let i = 1; i <= 4; i++) await touch("touchMove", [[200 - 20 * i, 600]]);
    await touch("touchEnd", []);
    const o1 = await orbitNow();
    expect(o1.azimuth - o0.azimuth).toBeCloseTo(80 * 0.006, 2);
    // Two fingers spread from 100 to 200 px apart: pinch zoom comes closer (half as far).
    await touch("touchStart", [[145, 600], [245, 600]]);
    for (let i = 1; i <= 5; i++) await touch("touchMove", [[145 - 10 * i, 600], [245 + 10 * i, 600]]);
    await touch("touchEnd", []);
    const o2 = await orbitNow();
    expect(o2.distance).toBeLessThan(o1.distance * 0.75);
    expect(o2.distance).toBeGreaterThan(o1.distance * 0.35);
    const agent = await agentPosition(page);
    // Frame the agent, then tap where it is drawn.
    await page.evaluate((a) => {
      const o = (window as any).__atriumXR.orbit;
      o.x = a.x;
      o.z = a.z;
      o.distance = 12;
    }, agent);
    // The camera follows the orbit on the next frames (a frame can take a second here).
    const at = await waitUntil("the agent framed in the middle of the screen", () =>
      page.evaluate((id) => {
        const p = (window as any).__atrium.renderedAgentPoses.get(id);
        const q = (window as any).__atrium.project(p.x, 1.0, p.z) as { x: number; y: number } | null;
        return q && Math.abs(q.x - 195) < 60 && Math.abs(q.y - 422) < 120 ? q : null;
      }, agent.id),
    );
    // Nothing of the HUD covers the agent on the phone's screen: the tap reaches the 3D view.
    expect(await page.evaluate((p) => document.elementFromPoint(p.x, p.y)?.tagName, at!)).toBe("CANVAS");
    await page.touchscreen.tap(at!.x, at!.y);
    await waitUntil("a tap selected the agent", () => page.evaluate((a) => (window as any).__atrium.store.getState().talkTo === a, agent.id));
    await screenshot(page, "xr-touch.png");
  });
});
