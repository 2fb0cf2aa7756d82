import path from "node:path";
import { DEFAULT_LIMITS } from "./auth/limits";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, redactDatabaseUrl } from "./config";

const ROOT = "/srv/atrium";

describe("readConfig", () => {
  it("has a default for every key, with paths resolved against the root", () => {
    expect(readConfig({}, ROOT)).toEqual({
      port: 3000,
      host: "127.0.0.1",
      dbFile: path.join(ROOT, "data/atrium.db"),
      worldFile: path.join(ROOT, "config/world.yaml"),
      agentsFile: path.join(ROOT, "config/agents.yaml"),
      clientDir: path.join(ROOT, "dist/client"),
      dev: false,
      logLevel: "info",
      authMode: "open",
      secret: undefined,
      publicUrl: undefined,
    });
  });

  it("treats empty strings as unset", () => {
    const config = readConfig({ PORT: "", HOST: "", ATRIUM_DB: "", ATRIUM_WORLD: "", ATRIUM_CLIENT_DIR: "", LOG_LEVEL: "" }, ROOT);
    expect(config).toEqual(readConfig({}, ROOT));
  });

  it("defaults the root to the working directory", () => {
    expect(readConfig({}).dbFile).toBe(path.resolve(process.cwd(), "data/atrium.db"));
  });

  it("reads every variable", () => {
    const config = readConfig(
      {
        PORT: "8080",
        HOST: "0.0.0.0",
        ATRIUM_DB: "/var/lib/atrium/db.sqlite",
        ATRIUM_WORLD: "my/world.yaml",
        ATRIUM_AGENTS: "my/agents.yaml",
        ATRIUM_CLIENT_DIR: "build",
        NODE_ENV: "development",
        LOG_LEVEL: "debug",
      },
      ROOT,
    );
    expect(config).toEqual({
      port: 8080,
      host: "0.0.0.0",
      dbFile: "/var/lib/atrium/db.sqlite",
      worldFile: path.join(ROOT, "my/world.yaml"),
      agentsFile: path.join(ROOT, "my/agents.yaml"),
      clientDir: path.join(ROOT, "build"),
      dev: true,
      logLevel: "debug",
      authMode: "token",
      secret: undefined,
      publicUrl: undefined,
    });
  });

  it("reads DATABASE_URL (PostgreSQL) and refuses anything else, without echoing the password", () => {
    expect(readConfig({}, ROOT).databaseUrl).toBeUndefined();
    expect(readConfig({ DATABASE_URL: "postgres://atrium:pw@db:5432/atrium" }, ROOT).databaseUrl).toBe("postgres://atrium:pw@db:5432/atrium");
    expect(readConfig({ DATABASE_URL: "postgresql://db/atrium" }, ROOT).databaseUrl).toBe("postgresql://db/atrium");
    expect(() => readConfig({ DATABASE_URL: "mysql://u:hunter2@db/atrium" }, ROOT)).toThrow(/DATABASE_URL must be a PostgreSQL URL/);
    expect(() => readConfig({ DATABASE_URL: "mysql://u:hunter2@db/atrium" }, ROOT)).not.toThrow(/hunter2/);
    expect(redactDatabaseUrl("postgres://atrium:s3cret@db:5432/atrium")).toBe("postgres://atrium:***@db:5432/atrium");
  });

  it("is in dev mode only for NODE_ENV=development", () => {
    expect(readConfig({ NODE_ENV: "production" }, ROOT).dev).toBe(false);
    expect(readConfig({ NODE_ENV: "test" }, ROOT).dev).toBe(false);
    expect(readConfig({ NODE_ENV: "development" }, ROOT).dev).toBe(true);
  });

  it("accepts the ends of the port range (0 picks a free port)", () => {
    expect(readConfig({ PORT: "0" }, ROOT).port).toBe(0);
    expect(readConfig({ PORT: "65535" }, ROOT).port).toBe(65535);
  });

  it.each(["abc", "-1", "65536", "80.5", "1e10", "NaN", "Infinity", " ", "0x50", "1e3", "+80", "80 "])("refuses PORT=%s with a message naming the value", (raw) => {
    expect(() => readConfig({ PORT: raw }, ROOT)).toThrow(ConfigError);
    expect(() => readConfig({ PORT: raw }, ROOT)).toThrow(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  });

  it("defaults ATRIUM_AUTH to open on loopback and to token anywhere else", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(readConfig({ HOST: host }, ROOT).authMode).toBe("open");
    for (const host of ["0.0.0.0", "::", "192.168.1.20"]) expect(readConfig({ HOST: host }, ROOT).authMode).toBe("token");
    expect(readConfig({ HOST: "0.0.0.0", ATRIUM_AUTH: "open" }, ROOT).authMode).toBe("open");
    expect(readConfig({ ATRIUM_AUTH: "token" }, ROOT).authMode).toBe("token");
    expect(() => readConfig({ ATRIUM_AUTH: "none" }, ROOT)).toThrow('ATRIUM_AUTH must be "open" or "token", got "none"');
  });

  it("takes an ATRIUM_SECRET of 32 characters or more, and refuses a short one", () => {
    expect(readConfig({ ATRIUM_SECRET: "x".repeat(32) }, ROOT).secret).toBe("x".repeat(32));
    expect(() => readConfig({ ATRIUM_SECRET: "short" }, ROOT)).toThrow(/ATRIUM_SECRET must be at least 32 characters \(got 5\)/);
  });

  it("reads ATRIUM_PUBLIC_URL as an origin and refuses what is not http(s)", () => {
    expect(readConfig({ ATRIUM_PUBLIC_URL: "https://atrium.example.com/x" }, ROOT).publicUrl).toBe("https://atrium.example.com");
    expect(() => readConfig({ ATRIUM_PUBLIC_URL: "ftp://x" }, ROOT)).toThrow(/ATRIUM_PUBLIC_URL must be an http\(s\) URL/);
  });

  it("reads ATRIUM_LIMITS as an override of the message limits, and names what is wrong in a bad one", () => {
    expect(readConfig({}, ROOT).limits).toBeUndefined();
    const limits = readConfig({ ATRIUM_LIMITS: '{"kinds":{"chat":{"perSecond":100,"burst":100}},"llmActionsPerMinute":500}' }, ROOT).limits!;
    expect(limits.kinds!.chat).toEqual({ perSecond: 100, burst: 100 });
    expect(limits.kinds!.movement).toEqual(DEFAULT_LIMITS.kinds.movement);
    expect(limits.llmActionsPerMinute).toBe(500);
    expect(() => readConfig({ ATRIUM_LIMITS: "{chat: 5}" }, ROOT)).toThrow(/ATRIUM_LIMITS: not JSON/);
    expect(() => readConfig({ ATRIUM_LIMITS: '{"kinds":{"chat":{"perSecond":-1,"burst":5}}}' }, ROOT)).toThrow(/ATRIUM_LIMITS: kinds\.chat\.perSecond/);
    expect(() => readConfig({ ATRIUM_LIMITS: '{"chatty":1}' }, ROOT)).toThrow(/ATRIUM_LIMITS: .*chatty/);
  });
});
