import type { AddressInfo } from "node:net";
import { createAtrium, type ClientServing } from "./app";
import { ConfigError, readConfig } from "./config";
import { createLogger } from "./logger";
import { LlmConfigError } from "./llm";
import { ConfigFileError } from "./world/load-world";

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
  const atrium = createAtrium(config, log, client);
  await atrium.listen();

  const address = atrium.server.transport.server?.address() as AddressInfo | null;
  const port = address?.port ?? config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  log.info({ port, host: config.host, db: config.dbFile, world: config.worldFile, dev: config.dev }, "atrium ready");
  process.stdout.write(`\n  Atrium is running: http://${shownHost}:${port}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    atrium.close().then(
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
  if (err instanceof ConfigError || err instanceof ConfigFileError || err instanceof LlmConfigError) {
    process.stderr.write(`\nAtrium cannot start: ${err.message}\n\n`);
  } else {
    process.stderr.write(`\nAtrium failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n\n`);
  }
  process.exit(1);
});
