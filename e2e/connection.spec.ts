import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drawnPose, enterAs, launchBrowser, visit, waitUntil, type Visitor } from "./browser";
import { startServer, type RunningServer } from "./server";
import { startProxy, type TcpProxy } from "./tcp-proxy";

let server: RunningServer;
let proxy: TcpProxy;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  proxy = await startProxy(server.port);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

const status = (v: Visitor) => v.page.getAttribute("[data-testid=status-chip]", "data-status");

describe("connection", () => {
  it("requests nothing from any other origin", async () => {
    const v = await visit(browser, "about:blank");
    const foreign: string[] = [];
    const origin = new URL(server.url).origin;
    v.page.on("request", (req) => {
      const url = req.url();
      if (url.startsWith("data:") || url.startsWith("blob:")) return;
      if (new URL(url).origin !== origin && new URL(url).origin.replace("http", "ws") !== origin.replace("http", "ws")) foreign.push(url);
    });
    v.page.on("websocket", (ws) => {
      if (new URL(ws.url()).host !== new URL(server.url).host) foreign.push(ws.url());
    });
    await v.page.goto(server.url);
    await enterAs(v.page, "Origin Check");
    await v.page.waitForTimeout(2000); // let fonts, glyph workers and patches settle
    expect(foreign).toEqual([]);
    await v.context.close();
  });

  it("reconnects by itself after a drop and keeps the avatar and its place", async () => {
    const cleo = await visit(browser, proxy.url);
    const cleoId = await enterAs(cleo.page, "Cleo");
    const watcher = await visit(browser, server.url); // connected directly, not through the proxy
    await enterAs(watcher.page, "Watcher");

    // Walk a little so the place is not the spawn point.
    await cleo.page.keyboard.down("KeyD");
    await cleo.page.waitForTimeout(600);
    await cleo.page.keyboard.up("KeyD");
    // Where Cleo stopped, by her own page; the watcher must draw her there. (A drawn pose that stays
    // put for a while is no proof: a loaded machine can draw no frame at all for that long.)
    const placed = await waitUntil("the watcher draws Cleo where she stopped", async () => {
      const own = await cleo.page.evaluate(() => ({ ...window.__atrium.localPlayer.pose }));
      const p = await drawnPose(watcher.page, cleoId);
      return p && Math.hypot(p.x - own.x, p.z - own.z) < 0.01 ? own : null;
    });

    // Cleo may be back within a few hundred ms, so both pages note the moment they see the drop
    // rather than being asked afterwards.
    await cleo.page.evaluate(() => {
      const seen = window as unknown as { sawDrop?: boolean };
      window.__atrium.store.subscribe((s) => {
        if (s.status === "reconnecting") seen.sawDrop = true;
      });
    });
    await watcher.page.evaluate((id) => {
      const seen = window as unknown as { sawDrop?: boolean };
      window.__atrium.store.subscribe((s) => {
        if (s.people[id]?.connected === false) seen.sawDrop = true;
      });
    }, cleoId);
    const sawDrop = (v: Visitor) => v.page.evaluate(() => (window as unknown as { sawDrop?: boolean }).sawDrop === true);
    proxy.dropAll();
    await waitUntil("Cleo's page says reconnecting", () => sawDrop(cleo), 10_000);
    await waitUntil("the watcher sees Cleo as disconnected", () => sawDrop(watcher));

    await waitUntil("Cleo's chip says connected again", async () => (await status(cleo)) === "connected", 30_000);
    expect(await cleo.page.evaluate(() => window.__atrium.store.getState().selfId)).toBe(cleoId); // same seat
    await waitUntil("the watcher sees Cleo connected again", () =>
      watcher.page.evaluate((id) => window.__atrium.store.getState().people[id]?.connected === true, cleoId),
    );
    const after = (await drawnPose(watcher.page, cleoId))!;
    expect(Math.hypot(after.x - placed.x, after.z - placed.z)).toBeLessThan(0.01); // same place

    // And it still moves.
    await cleo.page.keyboard.down("KeyW");
    await cleo.page.waitForTimeout(700);
    await cleo.page.keyboard.up("KeyW");
    await waitUntil("the watcher sees Cleo move after reconnecting", async () => {
      const p = await drawnPose(watcher.page, cleoId);
      return p && Math.hypot(p.x - placed.x, p.z - placed.z) > 0.5;
    });
    await cleo.context.close();
    await watcher.context.close();
  });

  it("shows offline when the server is gone, and joins again at the same place when it is back", async () => {
    const dana = await visit(browser, proxy.url);
    await enterAs(dana.page, "Dana");
    const before = await dana.page.evaluate(() => ({ ...window.__atrium.localPlayer.pose }));

    // Stop the server: reconnection cannot find the seat, so the client says offline and retries.
    await server.stop();
    proxy.dropAll();
    await waitUntil("Dana's chip says offline", async () => (await status(dana)) === "offline", 60_000);
    expect(await dana.page.textContent(".banner")).toMatch(/Trying again/);

    // A new server on the same port (through the proxy): the client joins again by itself.
    const port = server.port;
    server = await startServer({ PORT: String(port) });
    await waitUntil("Dana is connected again", async () => (await status(dana)) === "connected", 60_000);
    const after = await dana.page.evaluate(() => ({ ...window.__atrium.localPlayer.pose }));
    expect(Math.hypot(after.x - before.x, after.z - before.z)).toBeLessThan(0.01);
    await dana.context.close();
  });
});
