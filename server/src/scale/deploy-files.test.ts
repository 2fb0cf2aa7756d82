import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readConfig } from "../config";
import { readScaleConfig } from "./scale-config";

// deploy/compose.yaml and deploy/nginx.conf are documentation (no Docker engine here), so this
// checks what they promise: the services, the env names (each one real and documented), one
// shared Redis and one shared PostgreSQL database (no file on the Atrium containers), and a proxy
// location for every process's public address.

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: unknown;
  volumes?: string[];
}

const compose = parse(read("deploy/compose.yaml"), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const nginx = read("deploy/nginx.conf");
const atriums = Object.entries(compose.services).filter(([name]) => name.startsWith("atrium-"));

describe("deploy/compose.yaml", () => {
  it("has Redis, PostgreSQL, two Atrium processes and the proxy", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["atrium-1", "atrium-2", "postgres", "proxy", "redis"]);
    expect(compose.services.redis?.command?.[0]).toBe("redis-server");
    expect(compose.services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(compose.services.postgres?.healthcheck?.test).toContain("pg_isready");
    expect(compose.services.postgres?.volumes?.some((v) => v.endsWith(":/var/lib/postgresql/data"))).toBe(true);
    for (const [, s] of atriums) {
      expect(s.command).toEqual(["node", "--import", "tsx", "server/src/main.ts"]);
      expect(s.healthcheck?.test.join(" ")).toContain("/readyz");
      expect(s.depends_on).toMatchObject({ redis: { condition: "service_healthy" }, postgres: { condition: "service_healthy" } });
    }
  });

  it("gives every process the env names it promises, each accepted by the real config readers", () => {
    const promised = ["PORT", "HOST", "REDIS_URL", "ATRIUM_PUBLIC_ADDRESS", "ATRIUM_PUBLIC_URL", "DATABASE_URL", "ATRIUM_AUTH", "ATRIUM_SECRET"];
    const addresses = new Set<string>();
    const databases = new Set<string>();
    const pg = compose.services.postgres!.environment!;
    for (const [name, s] of atriums) {
      const env = s.environment ?? {};
      for (const key of promised) expect(env[key], `${name}.${key}`).toBeTruthy();
      // Compose fills ${...} in; the config readers see the values.
      const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{(\w+)[^}]*\}/g, (_, n: string) => (n === "ATRIUM_SECRET" ? "s".repeat(48) : n === "POSTGRES_PASSWORD" ? "pw" : ""))]));
      const config = readConfig(filled, "/app");
      const scale = readScaleConfig(env, { host: config.host, port: config.port });
      expect(scale?.redisUrl).toBe("redis://redis:6379");
      addresses.add(scale!.publicAddress);
      expect(env.ATRIUM_DB, `${name} keeps no SQLite file`).toBeUndefined();
      expect(s.volumes ?? [], `${name} needs no volume`).toEqual([]);
      // The compose service's user, password and database.
      const url = new URL(config.databaseUrl!);
      expect([url.hostname, url.port, url.username, url.pathname]).toEqual(["postgres", "5432", pg.POSTGRES_USER, `/${pg.POSTGRES_DB}`]);
      expect(env.DATABASE_URL).toContain(":${POSTGRES_PASSWORD}@");
      databases.add(config.databaseUrl!);
    }
    expect(addresses.size).toBe(atriums.length); // one address per process
    expect(databases.size).toBe(1); // one shared PostgreSQL database
  });

  it("uses only env names that docs/CONFIGURATION.md documents", () => {
    const documented = read("docs/CONFIGURATION.md");
    const names = new Set(atriums.flatMap(([, s]) => Object.keys(s.environment ?? {})));
    for (const name of names) expect(documented, name).toContain(`| \`${name}\``);
  });
});

describe("deploy/nginx.conf", () => {
  it("routes each process's public address to that process, with WebSocket upgrades, and balances the rest stickily", () => {
    for (const [name, s] of atriums) {
      const address = s.environment!.ATRIUM_PUBLIC_ADDRESS!;
      const prefix = address.slice(address.indexOf("/"));
      const block = nginx.match(new RegExp(`location ${prefix}/ \\{([^}]*)\\}`))?.[1];
      expect(block, `location ${prefix}/`).toBeDefined();
      const upstream = block!.match(/proxy_pass http:\/\/(\w+)\//)?.[1];
      expect(upstream).toBeDefined();
      const servers = nginx.match(new RegExp(`upstream ${upstream} \\{([^}]*)\\}`))?.[1] ?? "";
      expect(servers.trim()).toBe(`server ${name}:${s.environment!.PORT};`);
      expect(block).toContain("proxy_set_header Upgrade $http_upgrade;");
      expect(nginx).toContain(`server_name ${address.slice(0, address.indexOf("/"))};`);
    }
    const shared = nginx.match(/upstream atrium \{([^}]*)\}/)?.[1] ?? "";
    expect(shared).toContain("ip_hash;");
    for (const [name] of atriums) expect(shared).toContain(`server ${name}:3000;`);
  });
});
