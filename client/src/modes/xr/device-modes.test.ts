import { describe, expect, it } from "vitest";
import { availableModes, defaultMode, detectSupport, personModeOf } from "./device-modes";

const support = (vr: boolean, ar: boolean, touch: boolean) => ({ vr, ar, touch, checked: true });

describe("device modes", () => {
  it("asks the browser for immersive-vr and immersive-ar; no WebXR means neither", async () => {
    const asked: string[] = [];
    const xr = { isSessionSupported: async (m: string) => (asked.push(m), m === "immersive-vr") };
    expect(await detectSupport(xr, false)).toEqual(support(true, false, false));
    expect(asked.sort()).toEqual(["immersive-ar", "immersive-vr"]);
    expect(await detectSupport(undefined, true)).toEqual(support(false, false, true));
    const broken = { isSessionSupported: async () => Promise.reject(new Error("no")) };
    expect(await detectSupport(broken, false)).toEqual(support(false, false, false));
  });

  it("offers VR and AR where supported, the touch view where AR is missing on a phone, and always the desktop", () => {
    expect(availableModes(support(true, true, false))).toEqual(["vr", "ar", "desktop"]);
    expect(availableModes(support(false, false, true))).toEqual(["touch", "desktop"]);
    expect(availableModes(support(false, true, true))).toEqual(["ar", "desktop"]);
    expect(availableModes(support(false, false, false))).toEqual(["desktop"]);
  });

  it("remembers a choice only while the device still offers it", () => {
    expect(defaultMode(support(true, true, false), "ar")).toBe("ar");
    expect(defaultMode(support(false, false, false), "vr")).toBe("desktop");
    expect(defaultMode(support(true, false, false), "nonsense")).toBe("vr");
  });

  it("shows others desktop until the session starts, then vr or ar; the touch view is an AR marker", () => {
    expect(personModeOf("vr", false)).toBe("desktop");
    expect(personModeOf("vr", true)).toBe("vr");
    expect(personModeOf("ar", true)).toBe("ar");
    expect(personModeOf("touch", false)).toBe("ar");
  });
});
