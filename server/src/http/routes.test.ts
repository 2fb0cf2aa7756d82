import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Atrium } from "../app";
import { startTestAtrium, type TestAtrium } from "../testing/harness";

/** Holds the client builds the servers below serve. */
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-routes-"));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

// The servers run one after another: Colyseus' matchmaker is one per process.

describe("API routes", () => {
  let server: TestAtrium;
  let atrium: Atrium;
  let url: string;

  beforeAll(async () => {
    server = await startTestAtrium({ name: "routes-api", client: { kind: "none" } });
    ({ atrium, url } = server);
  });

  afterAll(async () => {
    await server.close();
  });

  it("GET /healthz answers 200 ok", async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz answers 200 with its checks once listening", async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { database: true, rooms: true } });
  });

  it("GET /metrics reports uptime, memory, rooms, the process that answered and every process's rooms", async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { uptimeS: unknown; memoryMb: unknown; rooms: unknown; process: { id: unknown; publicAddress: unknown }; cluster: unknown };
    expect(Object.keys(body).sort()).toEqual(["cluster", "memoryMb", "process", "rooms", "uptimeS"]);
    // One process: no address is advertised; the listings (LocalDriver) hold this process's rooms only.
    expect(body.process).toEqual({ id: matchMaker.processId, publicAddress: null });
    expect(body.cluster).toEqual({ rooms: [] });
    expect(Number.isInteger(body.uptimeS)).toBe(true);
    expect(body.uptimeS as number).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(body.memoryMb)).toBe(true);
    expect(body.memoryMb as number).toBeGreaterThan(0);
    expect(body.rooms).toEqual([]);
  });

  it("GET /readyz answers 503 when the database is gone", async () => {
    await atrium.store.close();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", checks: { database: false, rooms: true } });
  });
});

describe("built client, not built yet", () => {
  let server: TestAtrium;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = path.join(tmp, "empty-client");
    fs.mkdirSync(dir);
    server = await startTestAtrium({ name: "routes-unbuilt", client: { kind: "built", dir } });
    ({ url } = server);
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers / with 503 and the "npm run build" hint', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toContain('Run "npm run build"');
    expect(text).toContain(path.join(dir, "index.html"));
  });

  it("still answers /healthz", async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe("built client", () => {
  let server: TestAtrium;
  let url: string;
  const INDEX = "<!doctype html><title>Atrium test index</title>";

  beforeAll(async () => {
    const dir = path.join(tmp, "client");
    fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), INDEX);
    fs.writeFileSync(path.join(dir, "robots.txt"), "User-agent: *\n");
    fs.writeFileSync(path.join(dir, "assets", "app-abc123.js"), "console.log(1);\n");
    server = await startTestAtrium({ name: "routes-built", client: { kind: "built", dir } });
    ({ url } = server);
  });

  afterAll(async () => {
    await server.close();
  });

  it("serves index.html at /, not cached", async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toBe(INDEX);
  });

  it("serves index.html for the app's own routes", async () => {
    for (const route of ["/some/route", "/spectate", "/w/main"]) {
      const res = await fetch(`${url}${route}`);
      expect(res.status, route).toBe(200);
      expect(await res.text(), route).toBe(INDEX);
    }
  });

  it("serves files that exist", async () => {
    const res = await fetch(`${url}/robots.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("User-agent: *\n");
  });

  it("caches hashed files under assets/ for good", async () => {
    const res = await fetch(`${url}/assets/app-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await res.text()).toBe("console.log(1);\n");
  });

  it("answers 404 for a missing file instead of index.html", async () => {
    for (const file of ["/x.js", "/assets/gone-123.js", "/deep/missing.css"]) {
      const res = await fetch(`${url}${file}`);
      expect(res.status, file).toBe(404);
      expect(await res.text(), file).not.toContain("Atrium test index");
    }
  });

  it("keeps the API ahead of the client", async () => {
    const res = await fetch(`${url}/healthz`);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
