import fs from "node:fs";
import path from "node:path";
import express, { type Application } from "express";
import type { Store } from "../store/store";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { mountWorkApi } from "./api";
import { clusterMetrics } from "../scale/cluster-metrics";

export interface HttpDeps {
  store: Store;
  rooms: Set<WorkspaceRoom>;
  /** True once the room type is defined and the server accepts joins. */
  isAccepting: () => boolean;
  /** With REDIS_URL (server/src/scale): whether Redis answers, and why not. */
  scaleHealth?: () => { ok: boolean; detail: string };
}

/** Health, readiness, metrics and the work API (./api.ts). Mounted before the client so they always answer. */
export function mountApi(app: Application, deps: HttpDeps): void {
  mountWorkApi(app, deps.store);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const redis = deps.scaleHealth?.();
    const checks = { database: await deps.store.ping(), rooms: deps.isAccepting(), ...(redis ? { redis: redis.ok } : {}) };
    const ready = checks.database && checks.rooms && (redis?.ok ?? true);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks, ...(redis && !redis.ok ? { reason: redis.detail } : {}) });
  });

  // `rooms`: this process's rooms with their tick statistics (tickMs: the room's own work per patch
  // interval; busyMs: the whole process's busy time per interval, as that room's patches saw it;
  // writeEvery: patches between two writes of a client's socket, rooms/send-batch.ts; moveIntervalMs: how often each person
  // is asked to send its pose, rooms/pose-rates.ts); `process` and `cluster`: which process
  // answered and every process's workspace rooms from the shared listings (server/src/scale/cluster-metrics.ts).
  app.get("/metrics", async (_req, res) => {
    const rooms = [...deps.rooms].map((room) => ({
      workspace: room.workspace,
      clients: room.clients.length,
      people: room.state.people.size,
      agents: room.state.agents.size,
      tickMs: room.ticks.tick.summary(),
      busyMs: room.ticks.busy.summary(),
      writeEvery: room.sends.every,
      moveIntervalMs: room.interest.moveIntervalMs,
    }));
    res.json({ uptimeS: Math.round(process.uptime()), memoryMb: Math.round(process.memoryUsage().rss / 1e6), rooms, ...(await clusterMetrics()) });
  });

  // Clears the tick statistics of every room, so `npm run bench` can drop its warm-up. Touches nothing else.
  app.post("/metrics/reset", (_req, res) => {
    for (const room of deps.rooms) room.ticks.reset();
    res.status(204).end();
  });
}

/** Serves the built client from `dir`, with index.html for the app's routes. */
export function mountBuiltClient(app: Application, dir: string): void {
  const index = path.join(dir, "index.html");
  if (!fs.existsSync(index)) {
    app.get("/", (_req, res) => {
      res
        .status(503)
        .type("text/plain")
        .send(`The client is not built (no ${index}).\nRun "npm run build", or use "npm start", which builds first.\n`);
    });
    return;
  }
  app.use(express.static(dir, { index: false, maxAge: "1h", setHeaders: immutableAssets }));
  // The app's own routes (/, /spectate, ...) all load index.html; files that are missing stay 404.
  app.get(/^\/(?!.*\.[a-z0-9]+$).*/i, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
}

/** Vite puts a content hash in every file under assets/, so those can be cached for good. */
function immutableAssets(res: express.Response, filePath: string): void {
  if (filePath.includes(`${path.sep}assets${path.sep}`)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
}
