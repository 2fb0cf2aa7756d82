import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
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

  // Transient pointers (visionOS): an input source that exists only while the pinch is held.
  const XRTrackedInput = Object.getPrototypeOf(IWER.XRGazeInput);
  const P_SPACE = IWER.P_SPACE;
  let active: any = null;
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
      const onFrameStart = input.onFrameStart.bind(input);
      input.onFrameStart = (frame: any) => {
        onFrameStart(frame);
        while (pending.length) frame.session.dispatchEvent(new IWER.XRInputSourceEvent(pending.shift(), { frame, inputSource: source }));
      };
      input.__pending = pending;
      active = input;
      void P_SPACE;
    },
    /** Ends the pinch: select and selectend, then the source goes away. */
    end() {
      if (!active) return;
      active.__pending.push("select", "selectend");
      const ending = active;
      setTimeout(() => {
        if (active === ending) active = null;
      }, 200);
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
