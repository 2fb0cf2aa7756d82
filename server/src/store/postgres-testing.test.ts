import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ensurePostgresBinaries, findPostgresBinaries, startPostgres } from "./postgres-testing";

describe("a private PostgreSQL for tests", () => {
  it("finds Debian's server binaries, or none where POSTGRES_BIN_DIR points at nothing", () => {
    const bin = ensurePostgresBinaries(() => {});
    expect(fs.existsSync(path.join(bin, "initdb"))).toBe(true);
    expect(fs.existsSync(path.join(bin, "postgres"))).toBe(true);
    expect(findPostgresBinaries({ POSTGRES_BIN_DIR: "/nonexistent" })).toBeNull();
    expect(findPostgresBinaries({ POSTGRES_BIN_DIR: bin })).toBe(bin);
  });

  it("starts a cluster on loopback with fresh databases, and after stop() nothing answers there", async () => {
    const server = await startPostgres();
    const second = await server.createDatabase();
    expect(second).not.toBe(server.url);
    const client = new pg.Client(second);
    await client.connect();
    const { rows } = await client.query<{ db: string; tables: string }>("SELECT current_database() AS db, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public') AS tables");
    await client.end();
    expect(rows[0]).toEqual({ db: new URL(second).pathname.slice(1), tables: "0" });
    await server.stop();
    const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    after.on("error", () => {});
    await expect(after.connect()).rejects.toThrow();
  }, 60_000);
});
