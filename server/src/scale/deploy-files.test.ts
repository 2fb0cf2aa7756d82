import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readConfig } from "../config";
import { readScaleConfig } from "./scale-config";

// deploy/compose.yaml and deploy/nginx.conf are documentation (no Docker engine here), so this
// checks what they promise: the services, the env names (each one real and documented), one
// shared Redis and database file, and a proxy location for every process's public address.

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
  it("has Redis, two Atrium processes and the proxy", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["atrium-1", "atrium-2", "proxy", "redis"]);
    expect(compose.services.redis?.command?.[0]).toBe("redis-server");
    for (const [, s] of atriums) {
      expect(s.command).toEqual(["node", "--import", "tsx", "server/src/main.ts"]);
      expect(s.healthcheck?.test.join(" ")).toContain("/readyz");
      expect(s.depends_on).toMatchObject({ redis: { condition: "service_healthy" } });
    }
  });

  it("gives every process the env names it promises, each accepted by the real config readers", () => {
    const promised = ["PORT", "HOST", "REDIS_URL", "ATRIUM_PUBLIC_ADDRESS", "ATRIUM_PUBLIC_URL", "ATRIUM_DB", "ATRIUM_AUTH"];
    const addresses = new Set<string>();
    const dbFiles = new Set<string>();
    for (const [name, s] of atriums) {
      const env = s.environment ?? {};
      for (const key of promised) expect(env[key], `${name}.${key}`).toBeTruthy();
      const config = readConfig(env, "/app");
      const scale = readScaleConfig(env, { host: config.host, port: config.port });
      expect(scale?.redisUrl).toBe("redis://redis:6379");
      addresses.add(scale!.publicAddress);
      dbFiles.add(config.dbFile);
      // The database file sits on the shared volume.
      expect(s.volumes?.some((v) => v.endsWith(`:${path.dirname(config.dbFile)}`))).toBe(true);
    }
    expect(addresses.size).toBe(atriums.length); // one address per process
    expect(dbFiles.size).toBe(1); // one shared SQLite file (one machine) until PostgreSQL
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
