import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { readScaleConfig } from "./scale-config";

const local = { host: "127.0.0.1", port: 3001 };

describe("scale-out settings", () => {
  it("without REDIS_URL there are none (one process), whatever ATRIUM_PUBLIC_ADDRESS says", () => {
    expect(readScaleConfig({}, local)).toBeNull();
    expect(readScaleConfig({ REDIS_URL: "  ", ATRIUM_PUBLIC_ADDRESS: "x.example.com" }, local)).toBeNull();
  });

  it("advertises HOST:PORT by default, and masks the password in what it shows", () => {
    const c = readScaleConfig({ REDIS_URL: "redis://:s3cret@10.0.0.9:6380/2" }, local);
    expect(c).toEqual({ redisUrl: "redis://:s3cret@10.0.0.9:6380/2", redisUrlShown: "redis://:***@10.0.0.9:6380/2", publicAddress: "127.0.0.1:3001" });
    expect(readScaleConfig({ REDIS_URL: "redis://localhost" }, { host: "::1", port: 4000 })?.publicAddress).toBe("[::1]:4000");
  });

  it("takes ATRIUM_PUBLIC_ADDRESS as host[:port][/path]", () => {
    const env = { REDIS_URL: "rediss://redis.internal:6379" };
    expect(readScaleConfig({ ...env, ATRIUM_PUBLIC_ADDRESS: "atrium.example.com/n1/" }, local)?.publicAddress).toBe("atrium.example.com/n1");
    expect(readScaleConfig({ ...env, ATRIUM_PUBLIC_ADDRESS: "10.0.0.5:3001" }, { host: "0.0.0.0", port: 3001 })?.publicAddress).toBe("10.0.0.5:3001");
  });

  it("refuses what it cannot use, saying what to set", () => {
    const bad: Array<[NodeJS.ProcessEnv, { host: string; port: number }, RegExp]> = [
      [{ REDIS_URL: "not a url" }, local, /REDIS_URL must be a URL like redis:\/\//],
      [{ REDIS_URL: "http://127.0.0.1:6379" }, local, /must start with redis:\/\/ or rediss:\/\//],
      [{ REDIS_URL: "redis://127.0.0.1:6379/queue" }, local, /database number/],
      [{ REDIS_URL: "redis://127.0.0.1" }, { host: "0.0.0.0", port: 3000 }, /set ATRIUM_PUBLIC_ADDRESS/],
      [{ REDIS_URL: "redis://127.0.0.1" }, { host: "127.0.0.1", port: 0 }, /set ATRIUM_PUBLIC_ADDRESS/],
      [{ REDIS_URL: "redis://127.0.0.1", ATRIUM_PUBLIC_ADDRESS: "wss://atrium.example.com" }, local, /without a scheme/],
      [{ REDIS_URL: "redis://127.0.0.1", ATRIUM_PUBLIC_ADDRESS: "a b" }, local, /must look like/],
    ];
    for (const [env, listen, message] of bad) {
      expect(() => readScaleConfig(env, listen)).toThrow(ConfigError);
      expect(() => readScaleConfig(env, listen)).toThrow(message);
    }
  });
});
