import type { AddressInfo } from "node:net";
import { createAtrium, type ClientServing } from "./app";
import { ConfigError, readConfig, redactDatabaseUrl } from "./config";
import { createLogger } from "./logger";
import { LlmConfigError } from "./llm";
import { ConfigFileError } from "./world/load-world";
import { OWNER_LINK_TTL_S } from "./auth/auth";
import { joinLink } from "./auth/http-auth";
import { DlpConfigError } from "./llm/dlp";
import { connectScaleOut, RedisUnavailableError } from "./scale/scale-out";

/** The longest a graceful shutdown may take before the process exits anyway (ms). Default 10 000. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

async function viteMiddleware(): Promise<ClientServing> {
  const { createServer } = await import("vite");
  return {
    kind: "vite",
    async mount(app) {
      const vite = await createServer({ server: { middlewareMode: true }, appType: "spa" });
      app.use(vite.middlewares);
    },
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const client: ClientServing = config.dev ? await viteMiddleware() : { kind: "built", dir: config.clientDir };
  // REDIS_URL: several processes share matchmaking (server/src/scale, docs/DEPLOYMENT.md).
  const scale = await connectScaleOut(process.env, { host: config.host, port: config.port }, log);
  log.info(
    scale.describe(),
    scale.kind === "redis"
      ? "scale-out: Colyseus RedisPresence and RedisDriver; rooms this process hosts are reached at its public address"
      : "single process: Colyseus LocalPresence and LocalDriver (set REDIS_URL to run several)",
  );
  const atrium = await createAtrium(config, log, client, { auth: { mode: config.authMode, secret: config.secret }, limits: config.limits, scale });
  await atrium.listen();

  const address = atrium.server.transport.server?.address() as AddressInfo | null;
  const port = address?.port ?? config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  log.info({ port, host: config.host, db: config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : config.dbFile, world: config.worldFile, dev: config.dev, auth: config.authMode }, "atrium ready");
  // Like a notebook server: a fresh owner link at every start (the owner makes invites from it).
  const origin = config.publicUrl ?? `http://${shownHost}:${port}`;
  const owner = await atrium.auth.issue({ role: "owner", ttlS: OWNER_LINK_TTL_S, label: "owner link (server start)", createdBy: "server" });
  const access =
    config.authMode === "open"
      ? "Anyone who can reach this address may join as a member (ATRIUM_AUTH=open)."
      : "Joining needs a link: this one, or an invite the owner makes (ATRIUM_AUTH=token).";
  process.stdout.write(
    `\n  Atrium is running: ${origin}\n  ${access}\n\n  Owner link (keep it private, valid ${Math.round(OWNER_LINK_TTL_S / 86400)} days):\n  ${joinLink(origin, owner.token)}\n\n`,
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down: draining");
    // Whatever happens below, the process is gone within the deadline.
    setTimeout(() => {
      log.error({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, "shutdown took too long; exiting now");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    atrium
      .drain()
      .then(() => atrium.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, "error during shutdown");
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof ConfigFileError || err instanceof LlmConfigError || err instanceof DlpConfigError || err instanceof RedisUnavailableError) {
    process.stderr.write(`\nAtrium cannot start: ${err.message}\n\n`);
  } else {
    process.stderr.write(`\nAtrium failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n\n`);
  }
  process.exit(1);
});
