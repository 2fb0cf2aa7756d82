import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WALK_SPEED } from "../shared/constants";
import { canvasVariance, drawnPose, enterAs, launchBrowser, screenshot, visit, waitUntil, type Visitor } from "./browser";
import { startServer, type RunningServer } from "./server";

let server: RunningServer;
let browser: Browser;
let ada: Visitor;
let bob: Visitor;
let adaId: string;
let bobId: string;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the campus in a real browser", () => {
  it("shows a loading screen with progress, then the name prompt", async () => {
    ada = await visit(browser, server.url);
    const progress = await ada.page.waitForSelector("[role=progressbar]", { timeout: 30_000 }).catch(() => null);
    // The loader may finish before we look; either way the prompt must follow.
    if (progress) expect(Number(await progress.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(0);
    await ada.page.waitForSelector("[data-testid=name-prompt]", { timeout: 60_000 });
    expect(await ada.page.isDisabled("button[type=submit]")).toBe(true); // no name, no entry
  });

  it("two people join and each sees the other's avatar", async () => {
    adaId = await enterAs(ada.page, "Ada");
    bob = await visit(browser, server.url);
    bobId = await enterAs(bob.page, "Bob");
    expect(adaId).not.toBe(bobId);

    await waitUntil("Bob draws Ada", () => drawnPose(bob.page, adaId));
    await waitUntil("Ada draws Bob", () => drawnPose(ada.page, bobId));
    await expect.poll(() => ada.page.textContent("[data-testid=people-count]"), { timeout: 15_000 }).toBe("2 people here");
    await expect.poll(() => bob.page.evaluate((id) => window.__atrium.store.getState().people[id]?.name, adaId), { timeout: 15_000 }).toBe("Ada");
  });

  it("a key press on one page walks its avatar on the other, smoothly", async () => {
    const before = (await drawnPose(bob.page, adaId))!;
    // Record, every 50 ms, where Bob's page would draw Ada and when: the same interpolation the
    // scene samples each frame (sampleNow), read on a timer so that headless Chromium's low and
    // uneven frame rate (a frame can take a second here) does not decide the verdict.
    await bob.page.evaluate((id) => {
      const w = window as unknown as { __trail: { t: number; x: number; z: number }[] };
      w.__trail = [];
      const out = { x: 0, z: 0, yaw: 0, pitch: 0 };
      type Buffer = { sampleNow(now: number, into: typeof out): boolean }; // engine/interpolation.ts SnapshotBuffer
      const timer = setInterval(() => {
        const now = performance.now();
        if ((window.__atrium.remotePoses.get(id) as unknown as Buffer | undefined)?.sampleNow(now, out)) w.__trail.push({ t: now, x: out.x, z: out.z });
        if (w.__trail.length > 4000) clearInterval(timer);
      }, 50);
    }, adaId);

    // Step right (D) for 3 s: from the spawn point that crosses open plaza, clear of the fountain.
    await ada.page.keyboard.down("KeyD");
    await ada.page.waitForTimeout(3000);
    await ada.page.keyboard.up("KeyD");
    // "Stopped" means the same pose across a full second: headless pages may draw only a few
    // frames a second, so a short gap could fall between two frames of a walk still going on.
    const settled = (page: typeof ada.page, what: string) =>
      waitUntil(
        what,
        async () => {
          const a = await drawnPose(page, adaId);
          await page.waitForTimeout(1000);
          const b = await drawnPose(page, adaId);
          return a && b && a.x === b.x && a.z === b.z ? b : null;
        },
        40_000,
      );
    const walked = await settled(ada.page, "Ada stops on her own page");
    // D steps towards +x while facing north (yaw 0). How far 3 s take her depends on the page's
    // frame rate here (a frame's step is capped at a quarter second), so only "a walk" is asked.
    expect(walked.x - before.x).toBeGreaterThan(1);

    // Bob's view comes to rest where Ada stopped (fixed-point centimetres on the wire: allow a hair).
    const after = await settled(bob.page, "Bob sees Ada come to rest");
    const ownNow = (await drawnPose(ada.page, adaId))!;
    expect(Math.hypot(after.x - ownNow.x, after.z - ownNow.z), `Bob sees ${JSON.stringify(after)}, Ada is at ${JSON.stringify(ownNow)}`).toBeLessThan(0.01);
    expect(after.x - before.x).toBeGreaterThan(1);

    // Smooth, never faster than a walk can explain: Bob's view had Ada at many places in between,
    // and between any two samples (timed by the page's clock, however far apart a stalled page put
    // them) she moved at most twice WALK_SPEED. Poses are timed by the server's clock, so a burst
    // of pose messages after a long frame is laid out when the server sent them, not squeezed
    // into the moment it was read. A teleport, or a burst timed on arrival, is one step of a
    // metre or more in a few milliseconds.
    const trail = await bob.page.evaluate(() => (window as unknown as { __trail: { t: number; x: number; z: number }[] }).__trail);
    const distance = Math.hypot(after.x - before.x, after.z - before.z);
    let distinct = 0;
    let covered = 0;
    let fastest = { speed: 0, step: 0, ms: 0 };
    for (let i = 1; i < trail.length; i++) {
      const a = trail[i - 1]!;
      const b = trail[i]!;
      const step = Math.hypot(b.x - a.x, b.z - a.z);
      if (step === 0) continue;
      distinct++;
      covered += step;
      const ms = b.t - a.t;
      const speed = ms > 0 ? step / (ms / 1000) : Infinity;
      if (speed > fastest.speed) fastest = { speed, step, ms };
    }
    console.log(
      `trail: ${distinct} distinct of ${trail.length} samples over ${((trail.at(-1)!.t - trail[0]!.t) / 1000).toFixed(1)} s, ` +
        `${covered.toFixed(2)} m drawn of ${distance.toFixed(2)} m walked; fastest ${fastest.speed.toFixed(1)} m/s (${fastest.step.toFixed(3)} m in ${fastest.ms.toFixed(0)} ms)`,
    );
    expect(distinct).toBeGreaterThanOrEqual(4);
    // The samples cover the whole walk (nothing skipped, nothing drawn twice over).
    expect(covered).toBeGreaterThan(distance * 0.95);
    expect(covered).toBeLessThan(distance * 1.05 + 0.05);
    expect(fastest.speed, `fastest step: ${fastest.step.toFixed(3)} m in ${fastest.ms.toFixed(0)} ms`).toBeLessThanOrEqual(2 * WALK_SPEED);
  });

  it("draws a campus that is not blank, and saves a screenshot", async () => {
    await ada.page.waitForTimeout(500);
    const variance = await canvasVariance(ada.page);
    expect(variance).toBeGreaterThan(50);
    await screenshot(ada.page, "campus-ada.png");
    await screenshot(bob.page, "campus-bob.png");
    const stats = await ada.page.evaluate(() => window.__atrium.renderer?.info.render);
    expect(stats?.calls ?? 0).toBeGreaterThan(0);
    expect(stats!.calls).toBeLessThanOrEqual(100); // the Quest draw-call budget
  });

  it("opens and closes the help overlay with ? and H, listing the shortcuts", async () => {
    const page = ada.page;
    await page.keyboard.press("Shift+Slash");
    await page.waitForSelector("[data-testid=help]");
    const text = (await page.textContent("[data-testid=help]")) ?? "";
    for (const words of ["Walk forward", "Hold to run", "Look around", "Walk there", "Show or hide this help"]) expect(text).toContain(words);
    await page.keyboard.press("KeyH");
    await page.waitForSelector("[data-testid=help]", { state: "detached" });
    await page.keyboard.press("KeyH");
    await page.waitForSelector("[data-testid=help]");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=help]", { state: "detached" });
  });

  it("clicking the ground walks there", async () => {
    const page = bob.page;
    const start = (await drawnPose(page, bobId))!;
    // The camera looks north over the avatar: the lower middle of the screen is ground ahead.
    await page.mouse.click(640, 560);
    const target = await waitUntil("a walk target is set", () =>
      page.evaluate(() => {
        const t = window.__atrium.localPlayer as unknown as { target: { active: boolean; x: number; z: number } };
        return t.target.active ? { x: t.target.x, z: t.target.z } : null;
      }),
    );
    await waitUntil("Bob arrives", async () => {
      const p = await drawnPose(page, bobId);
      return p && Math.hypot(p.x - target.x, p.z - target.z) < 0.3;
    });
    const end = (await drawnPose(page, bobId))!;
    expect(Math.hypot(end.x - start.x, end.z - start.z)).toBeGreaterThan(0.5);
  });

  it("remembers the name for next time", async () => {
    const page = ada.page;
    expect(await page.evaluate(() => localStorage.getItem("atrium.name"))).toBe("Ada");
    const again = await ada.context.newPage();
    await again.goto(server.url);
    await again.waitForSelector("[data-testid=name-prompt]", { timeout: 60_000 });
    expect(await again.inputValue("input[name=name]")).toBe("Ada");
    await again.close();
  });

  it("saw no page errors", () => {
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
