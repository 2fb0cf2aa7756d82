import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enterAs, launchBrowser, visit, waitUntil } from "./browser";
import { writeRoster } from "./roster";
import { startServer, type RunningServer } from "./server";

let browser: Browser;
const servers: RunningServer[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
});

/** Draw calls of one frame with `agents` agents in the world, seen from high above the plaza. */
async function drawCalls(agents: number): Promise<number> {
  const server = await startServer({ ATRIUM_AGENTS: writeRoster(agents) });
  servers.push(server);
  const v = await visit(browser, server.url);
  await enterAs(v.page, "Counter");
  await waitUntil(`${agents} agents drawn`, () => v.page.evaluate((n) => window.__atrium.renderedAgentPoses.size === n, agents));
  // Look down on the whole campus from high above, so every agent and label is in view
  // (nothing is left out by frustum culling).
  await v.page.evaluate(() => {
    const p = window.__atrium.localPlayer as unknown as { place(x: number, z: number): void; pose: { pitch: number } };
    p.place(0, 0);
    p.pose.pitch = -1.2;
    window.__atrium.cameraRig.max = 200;
    window.__atrium.cameraRig.distance = 150;
  });
  await v.page.waitForTimeout(2000);
  const calls = await v.page.evaluate(() => window.__atrium.renderer?.info.render.calls ?? 0);
  await v.context.close();
  return calls;
}

describe("rendering budget", () => {
  it("keeps draw calls flat as the number of agents grows, and within the Quest budget", async () => {
    const few = await drawCalls(5);
    const many = await drawCalls(40);
    console.log(`draw calls: ${few} with 5 agents, ${many} with 40`);
    expect(few).toBeGreaterThan(20); // the campus itself is drawn
    expect(many).toBeLessThanOrEqual(100);
    // More agents add labels only up to the cap (the 12 nearest, 2 calls each for outlined
    // text), never calls per agent: without the cap, 40 labels would add about 80.
    expect(many - few).toBeLessThanOrEqual(12 * 2);
  });
});
