import { Server, matchMaker } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Application } from "express";
import { WebSocket as NodeWebSocket } from "ws";
import { WORKSPACE_ROOM } from "../../shared/constants";
import type { World } from "../../shared/world";
import type { ServerConfig } from "./config";
import { mountApi, mountBuiltClient } from "./http/routes";
import type { Logger } from "./logger";
import { defineWorkspaceRoom, type WorkspaceRoom } from "./rooms/workspace-room";
import { openStore, type Store } from "./store/store";
import { auditLater, auditsWritten } from "./audit-later";
import { loadWorld } from "./world/load-world";
import { loadRoster } from "./agents/roster";
import { LlmBrain } from "./agents/llm-brain";
import { OfflinePlanner, type OfflinePlannerOptions } from "./agents/offline-planner";
import type { Brain } from "./agents/types";
import { createLlmBroker, type LlmBroker, type LlmCallRecord } from "./llm";
import { mountReplayApi } from "./http/replay-api";
import { mountStatsApi } from "./http/stats-api";
import { llmCallBehind } from "./replay/provenance";
import { replayStoreOf } from "./replay/replay-store";
import { mountVoiceApi, VoiceHub } from "./voice";
import { AuthService, type AuthOptions } from "./auth/auth";
import { mountAuthApi, mountHttpAuth } from "./auth/http-auth";
import { WS_MAX_PAYLOAD_BYTES, limitsWith, type Limits } from "./auth/limits";
import { createMcp, type Mcp, type McpOptions } from "./mcp";
import { configureDlp, dlpFromEnv, onDlpRedaction, type DlpFinding } from "./llm/dlp";
import { LOCAL_SCALE_OUT, type ScaleOut } from "./scale/scale-out";
import { HostRelay } from "./scale/host-relay";

/** How long draining waits for the shutdown notice to reach clients before closing (ms). Default 300. */
export const SHUTDOWN_NOTICE_MS = 300;
/** How long draining waits for aborted LLM streams to be recorded (ms). Default 2000. */
export const SHUTDOWN_LLM_WAIT_MS = 2000;
/** With Redis unreachable, how long closing waits for Colyseus to release rooms before it goes on (ms). Default 2000. */
export const SHUTDOWN_WITHOUT_REDIS_MS = 2000;

export interface Atrium {
  server: Server;
  /** The LLM broker, or null when the agents run the offline planner. */
  broker: LlmBroker | null;
  store: Store;
  world: World;
  rooms: Set<WorkspaceRoom>;
  /** Join tokens, invites and the auth mode. */
  auth: AuthService;
  /** Outside agents over MCP (/mcp) and their tokens (server/src/mcp). */
  mcp: Mcp;
  /** Presence and driver: local (one process) or Redis (several; server/src/scale). */
  scale: ScaleOut;
  /** Binds the port. Resolves once clients can connect. */
  listen(): Promise<void>;
  /** True from the start of drain() on: /readyz answers 503 and joins are refused. */
  readonly draining: boolean;
  /**
   * Graceful shutdown: stop accepting joins (/readyz false), tell every client, abort agents'
   * LLM streams (each is recorded as aborted), save what waits to be saved, then close().
   */
  drain(): Promise<void>;
  /** Disconnects everyone, stops the server and closes the database. */
  close(): Promise<void>;
}

/** How the client is served: the built files, Vite's dev middleware, or not at all (tests). */
export type ClientServing = { kind: "built"; dir: string } | { kind: "vite"; mount: (app: Application) => Promise<void> } | { kind: "none" };

/**
 * Wires the whole server: world config, database, the workspace room, HTTP routes and the
 * client. Throws (with a message naming the file and field) when the config is bad.
 */
export interface AtriumOptions {
  /** Timings of the offline planner (tests make it quick). */
  offline?: OfflinePlannerOptions;
  /** Where to read OPENAI_BASE_URL, OPENAI_API_KEY, ATRIUM_MODEL and ATRIUM_LLM_CONFIG. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** ATRIUM_AUTH and ATRIUM_SECRET (config.ts). Default: open mode, secret from the database. */
  auth?: AuthOptions;
  /** Per-client message limits (server/src/auth/limits.ts); the defaults when absent. */
  limits?: Partial<Limits>;
  /** Seconds a dropped seat is held for a reconnection; RECONNECT_GRACE_S (30) when absent. Tests shorten it. */
  reconnectGraceS?: number;
  /** MCP session timings (server/src/mcp); tests shorten them. */
  mcp?: McpOptions;
  /** About how many clients' sockets a patch writes (server/src/rooms/send-batch.ts); FLUSHES_PER_PATCH when absent. Tests lower it. */
  flushesPerPatch?: number;
  /** The most moves a second a room's people together should send (server/src/rooms/pose-rates.ts); ROOM_MOVES_PER_S when absent. Tests lower it. */
  roomMovesPerS?: number;
  /** Colyseus presence and driver shared with other processes (server/src/scale/scale-out.ts); one process when absent. */
  scale?: ScaleOut;
}

export async function createAtrium(
  config: Pick<ServerConfig, "port" | "host" | "dbFile" | "databaseUrl" | "worldFile" | "agentsFile">,
  log: Logger,
  client: ClientServing,
  options: AtriumOptions = {},
): Promise<Atrium> {
  provideGlobalWebSocket();
  const world = loadWorld(config.worldFile);
  const roster = loadRoster(config.agentsFile, world);
  // DATABASE_URL (PostgreSQL, shared by several processes) or the SQLite file.
  const store = await openStore(config.databaseUrl ?? config.dbFile);
  let auth: AuthService;
  try {
    auth = await AuthService.open(store, options.auth ?? { mode: "open" }, log);
  } catch (err) {
    await store.close();
    throw err;
  }
  // DLP: what goes to a model or a speech service is redacted first, and each redaction audited.
  const dlp = dlpFromEnv(options.env ?? process.env);
  const llmRecords = new Set<Promise<unknown>>();
  const auditRedactions = (findings: DlpFinding[], ctx: { workspace: string; actor: string }) =>
    auditLater(store, { workspace: ctx.workspace, actor: ctx.actor, kind: "dlp-redaction", data: { count: findings.length, findings: findings.slice(0, 50) } }, log);
  configureDlp(dlp);
  onDlpRedaction(auditRedactions);
  const broker = createLlmBroker({
    env: options.env ?? process.env,
    log,
    onRecord: (r) => {
      // Written after the call; shutdown waits for these before the store closes.
      const write = recordLlmCall(store, r).catch((err: unknown) => log.error({ err, workspace: r.workspace, agent: r.agentId }, "could not record an LLM call"));
      llmRecords.add(write);
      void write.finally(() => llmRecords.delete(write));
    },
    dlp,
    onRedaction: (findings, call) => auditRedactions(findings, { workspace: call.workspace, actor: call.agentId }),
  });
  // Speech-to-text and speech endpoints (ATRIUM_STT_*, ATRIUM_TTS_*): server/src/voice.
  // Requests to the process hosting a room (voice uploads, the owner's token actions): server/src/scale/host-relay.ts.
  const relay = new HostRelay(log);
  const voice = VoiceHub.fromEnv(options.env ?? process.env, log, relay);
  const brain: Brain = broker ? new LlmBrain({ broker, world, roster, store }) : new OfflinePlanner(roster, store, options.offline);
  log.info(
    broker ? { brain: "llm", baseURL: broker.baseURL, model: broker.defaultModel } : { brain: "offline" },
    broker ? "agents think with a language model" : "no LLM configured: agents run the offline planner",
  );
  const rooms = new Set<WorkspaceRoom>();
  let accepting = false;
  let draining = false;
  const mcp = createMcp({ store, world, roster, log, rooms, limits: limitsWith(options.limits), isDraining: () => draining, options: options.mcp, relay });

  const scale = options.scale ?? LOCAL_SCALE_OUT;
  const transport = new WebSocketTransport({ pingInterval: 3000, pingMaxRetries: 2, maxPayload: WS_MAX_PAYLOAD_BYTES });
  const server = new Server({
    transport,
    greet: false,
    gracefullyShutdown: false,
    presence: scale.presence,
    driver: scale.driver,
    publicAddress: scale.publicAddress,
    express: async (app) => {
      // First: request ids and the access policy (server/src/auth/policy.ts) for every route after it.
      mountHttpAuth(app, auth, log);
      mountAuthApi(app, auth);
      mcp.mount(app); // /api/agent-tokens (owner) and /mcp (agent tokens)
      mountApi(app, { store, rooms, isAccepting: () => accepting, scaleHealth: scale.kind === "redis" ? () => scale.health() : undefined });
      mountReplayApi(app, { store, world, roster, extraAgents: (ws) => mcp.replayAgents(ws) });
      mountStatsApi(app, { store, roster, caps: broker?.ledger.caps ?? null });
      mountVoiceApi(app, voice);
      if (client.kind === "built") mountBuiltClient(app, client.dir);
      else if (client.kind === "vite") await client.mount(app);
    },
  });
  server.define(WORKSPACE_ROOM, defineWorkspaceRoom({ world, roster, brain, store, log, rooms, auth, voice, limits: options.limits, ledger: broker?.ledger ?? null, isDraining: () => draining, reconnectGraceS: options.reconnectGraceS, flushesPerPatch: options.flushesPerPatch, roomMovesPerS: options.roomMovesPerS, onCreated: (room) => mcp.onRoomCreated(room) })).filterBy(["workspace"]);

  return {
    server,
    broker,
    store,
    world,
    rooms,
    auth,
    mcp,
    scale,
    async listen() {
      await server.listen(config.port, config.host);
      await relay.start();
      accepting = true;
    },
    get draining() {
      return draining;
    },
    async drain() {
      if (draining) return;
      draining = true;
      accepting = false;
      const started = performance.now();
      for (const room of rooms) room.announceShutdown();
      await new Promise((r) => setTimeout(r, SHUTDOWN_NOTICE_MS));
      const streaming = broker?.inFlight ?? 0;
      mcp.close();
      const stopped = Promise.all([...rooms].map((room) => room.stopWork()));
      // Aborted streams settle on the next turns; each is recorded (outcome error, aborted) before the store closes.
      const deadline = performance.now() + SHUTDOWN_LLM_WAIT_MS;
      while (broker && broker.inFlight + broker.queued > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setImmediate(r));
      await Promise.all([stopped, ...llmRecords]);
      log.info({ abortedStreams: streaming, stillStreaming: broker?.inFlight ?? 0, ms: Math.round(performance.now() - started) }, "drained: agents stopped, streams recorded");
    },
    async close() {
      accepting = false;
      mcp.close();
      relay.stop();
      const colyseus = async () => {
        await Promise.all(matchMaker.disconnectAll());
        await server.gracefullyShutdown(false);
      };
      if (scale.health().ok) {
        await colyseus();
      } else {
        // Redis unreachable: Colyseus' shutdown would wait on it (a room's disposal never settles); give it a moment, then go on.
        await scale.close();
        await Promise.race([colyseus().catch(() => undefined), new Promise((r) => setTimeout(r, SHUTDOWN_WITHOUT_REDIS_MS).unref())]);
      }
      await scale.close();
      // What was asked to be written before the rooms closed goes in before the database closes.
      await Promise.all([...llmRecords]);
      await auditsWritten(store);
      await store.close();
    },
  };
}

/**
 * Colyseus core 0.18 reads the global `WebSocket.OPEN` when a dropped client reconnects. Node 20
 * has no global WebSocket (Node 22 does), so without this every reconnection fails with
 * "WebSocket is not defined" and the person is removed. `ws` is the library the transport uses.
 */
function provideGlobalWebSocket(): void {
  if (typeof globalThis.WebSocket === "undefined") {
    globalThis.WebSocket = NodeWebSocket as unknown as typeof globalThis.WebSocket;
  }
}

/** Every LLM call goes to the audit table: exact messages, response, tokens, cost, timings, outcome. */
async function recordLlmCall(store: Store, r: LlmCallRecord): Promise<void> {
  const call = {
    workspace: r.workspace,
    agentId: r.agentId,
    model: r.model,
    request: { baseURL: r.baseURL, messages: r.messages, tools: r.tools.map((t) => t.function.name) },
    response: r.response,
    promptTokens: r.usage.promptTokens,
    completionTokens: r.usage.completionTokens,
    costUsd: r.costUsd,
    latencyMs: Math.round(r.latencyMs),
    ttftMs: r.ttftMs === null ? null : Math.round(r.ttftMs),
    outcome: r.outcome,
    error: r.error ? `${r.error.kind}: ${r.error.message}` : null,
  };
  // A brain that opened the call's row when it started (for provenance) gets it completed.
  const started = llmCallBehind(r.agentId);
  if (started !== null) await replayStoreOf(store).finishLlmCall(started, call);
  else await store.llm.recordLlmCall(call);
}
