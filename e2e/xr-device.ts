import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { selfId, waitUntil } from "./browser";
import { ROOT } from "./server";

/**
 * Emulated XR devices for the browser tests: IWER (Meta's WebXR emulation runtime, the `iwer`
 * package) injected into the page before the app loads, so `navigator.xr` is a Quest 3, a Vision
 * Pro-like headset or a Quest 3 in passthrough AR with a synthetic room (`@iwer/sem`). The app
 * itself never brings an emulator.
 */

const IWER_JS = path.join(ROOT, "node_modules/iwer/build/iwer.min.js");
const SEM_JS = path.join(ROOT, "node_modules/@iwer/sem/build/iwer-sem.min.js");
const ROOM_JSON = path.join(ROOT, "node_modules/@iwer/sem/captures/office_small.json");

export type EmulatedDevice = "quest3" | "visionpro" | "quest3-ar";

/** Runs in the page before any script: installs the runtime as `window.__iwer`. */
function installDevice(kind: EmulatedDevice, room: unknown): void {
  const w = window as unknown as { IWER: any; IWER_SEM?: any; __iwer: any; __iwerTransient: any };
  const IWER = w.IWER;
  let config = IWER.metaQuest3;
  if (kind === "visionpro") {
    // No Vision Pro profile ships with IWER: a headset with hands and no controllers, whose
    // selects come as transient-pointer input sources (gaze and pinch), as visionOS Safari does.
    config = {
      ...IWER.metaQuest3,
      name: "Apple Vision Pro (emulated)",
      controllerConfig: undefined,
      supportedSessionModes: ["inline", "immersive-vr"],
      supportedFeatures: ["viewer", "local", "local-floor", "hand-tracking"],
      supportedFrameRates: [90],
      environmentBlendModes: { "immersive-vr": "opaque" },
      userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    };
  }
  const device = new IWER.XRDevice(config, { stereoEnabled: false });
  device.ipd = 0;
  if (kind === "visionpro") device.primaryInputMode = "hand";
  device.installRuntime({ forceInstall: true });
  if (kind === "quest3-ar" && w.IWER_SEM) {
    device.installSEM(w.IWER_SEM.SyntheticEnvironmentModule);
    device.sem.loadEnvironment(room);
  }
  w.__iwer = device;

  // Transient pointers (visionOS): an input source that exists only while the pinch is held. The
  // order is the WebXR one (and visionOS Safari's): the source is added (inputsourceschange),
  // then selectstart; on release select and selectend, then the source is removed. Each event is
  // dispatched at the start of a frame, once the session lists the source.
  const XRTrackedInput = Object.getPrototypeOf(IWER.XRGazeInput);
  let active: any = null;
  let last: any = null;
  const base = Object.getOwnPropertyDescriptor(IWER.XRDevice.prototype, "activeInputs")!.get!;
  Object.defineProperty(device, "activeInputs", {
    get() {
      const inputs = base.call(this);
      return active ? [...inputs, active] : inputs;
    },
  });
  w.__iwerTransient = {
    /** Starts a pinch whose ray goes from `origin` along `direction` (tracked space). */
    begin(origin: [number, number, number], direction: [number, number, number]) {
      const space = new IWER.XRSpace(device[IWER.P_DEVICE].globalSpace);
      const source = new IWER.XRInputSource("right", "transient-pointer", ["generic-hand-select"], space);
      const input = new XRTrackedInput(source);
      input.position.set(...origin);
      const [dx, dy, dz] = direction;
      const len = Math.hypot(dx, dy, dz) || 1;
      // Rotation taking -z onto the direction.
      const ax = 0, ay = 0, az = -1;
      const bx = dx / len, by = dy / len, bz = dz / len;
      let qx = ay * bz - az * by, qy = az * bx - ax * bz, qz = ax * by - ay * bx, qw = 1 + ax * bx + ay * by + az * bz;
      if (qw < 1e-6) { qx = 0; qy = 1; qz = 0; qw = 0; }
      const ql = Math.hypot(qx, qy, qz, qw);
      input.quaternion.set(qx / ql, qy / ql, qz / ql, qw / ql);
      const pending: string[] = ["selectstart"];
      const sent: string[] = [];
      const onFrameStart = input.onFrameStart.bind(input);
      input.onFrameStart = (frame: any) => {
        onFrameStart(frame);
        // Not before the session has announced the source (it does so after this, in the first frame).
        if (!Array.from(frame.session.inputSources).includes(source)) return;
        while (pending.length) {
          const type = pending.shift()!;
          frame.session.dispatchEvent(new IWER.XRInputSourceEvent(type, { frame, inputSource: source }));
          sent.push(type);
          if (type === "selectend" && active === input) active = null; // removed in this frame's update
        }
      };
      input.__pending = pending;
      input.__sent = sent;
      active = input;
      last = input;
    },
    /** Ends the pinch: select and selectend, then the source goes away. */
    end() {
      active?.__pending.push("select", "selectend");
    },
    /** The events dispatched so far for the current (or last) pinch. */
    sent(): string[] {
      return last ? [...last.__sent] : [];
    },
  };
}

/** A browser context whose pages see an emulated XR device. */
export async function xrContext(browser: Browser, kind: EmulatedDevice): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript({ path: IWER_JS });
  let room: unknown = null;
  if (kind === "quest3-ar") {
    await context.addInitScript({ path: SEM_JS });
    room = JSON.parse(fs.readFileSync(ROOM_JSON, "utf8"));
  }
  await context.addInitScript(`(${installDevice.toString()})(${JSON.stringify(kind)}, ${JSON.stringify(room)});`);
  return context;
}

/** Runs `fn` on the emulated device in the page. */
export function onDevice<A, R>(page: Page, fn: (device: any, arg: A) => R, arg: A): Promise<R> {
  return page.evaluate(([f, a]) => new Function("device", "arg", `return (${f})(device, arg)`)((window as any).__iwer, a), [fn.toString(), arg] as const) as Promise<R>;
}

export interface XRVisit {
  context: BrowserContext;
  page: Page;
  /** This person's id in the room. */
  id: string;
  /** Uncaught exceptions on the page. */
  errors: string[];
}

/** Opens `url` on an emulated device, picks `mode` on the landing page, joins as `name` and starts the session. */
export async function enterXR(browser: Browser, kind: EmulatedDevice, mode: "vr" | "ar", url: string, name: string): Promise<XRVisit> {
  const context = await xrContext(browser, kind);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
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
  return { context, page, id, errors };
}

/** Lets the emulated frame loop run a little (IWER runs on requestAnimationFrame). */
export const frames = (page: Page, ms = 400) => page.waitForTimeout(ms);

/**
 * Waits until the XR session has run `n` more frames, however slow they are (a loaded machine
 * can take a second a frame): a pose or button change is seen by the app only on a frame.
 */
export function xrFrames(page: Page, n = 2): Promise<void> {
  return page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const session = (window as any).__atriumXR.store.getState().session;
        if (!session) return resolve();
        let k = 0;
        const step = () => (++k >= count ? resolve() : session.requestAnimationFrame(step));
        session.requestAnimationFrame(step);
      }),
    n,
  );
}

/** World position of a named object in the scene (a uikit button, a panel), or null when there is none. */
export function objectPosition(page: Page, name: string): Promise<{ x: number; y: number; z: number } | null> {
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

/** Presses (1) or releases (0) a button of an emulated controller, e.g. ("left", "x-button"). */
export function setButton(page: Page, hand: "left" | "right", button: string, value: 0 | 1): Promise<void> {
  return onDevice(page, (d, a: { hand: string; button: string; value: number }) => void d.controllers[a.hand].updateButtonValue(a.button, a.value), { hand, button, value });
}
