import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { WAL_AUTOCHECKPOINT_PAGES, WalCheckpointer } from "./wal-checkpointer";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-wal-"));
  const file = path.join(dir, "atrium.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  cleanups.push(() => {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (rows: number) => {
    const ins = db.prepare("INSERT INTO t (body) VALUES (?)");
    for (let i = 0; i < rows; i++) ins.run("x".repeat(3000)); // a commit each, a page or more each
  };
  return { db, file, write };
}

describe("WAL checkpoints on a thread of their own", () => {
  it("turns the connection's own checkpoints off, and the thread copies the log into the database file", async () => {
    const { db, file, write } = open();
    const errors: string[] = [];
    const cp = new WalCheckpointer(db, file, (m) => errors.push(m), 60_000);
    cleanups.push(() => cp.close());
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    // Past SQLite's 1,000-page threshold: with its automatic checkpoint this commit stream would checkpoint by itself.
    write(1_200);
    const framesInLog = fs.statSync(`${file}-wal`).size / (4096 + 24); // page + frame header
    expect(framesInLog).toBeGreaterThan(WAL_AUTOCHECKPOINT_PAGES);
    write(10);
    const report = await cp.checkpointNow();
    expect(report.log).toBeGreaterThan(0);
    expect(report.checkpointed).toBe(report.log);
    // A second reader sees every row from the database file and the log together.
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT COUNT(*) FROM t").pluck().get()).toBe(1_210);
    other.close();
    expect(errors).toEqual([]);
  });

  it("checkpoints on its own every interval", async () => {
    const { db, file, write } = open();
    const cp = new WalCheckpointer(db, file, () => {}, 50);
    cleanups.push(() => cp.close());
    write(20);
    const deadline = Date.now() + 5_000;
    while ((cp.last === null || cp.last.checkpointed === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(cp.last?.checkpointed).toBeGreaterThan(0);
  });

  it("gives the checkpoints back to the connection when the thread cannot work", async () => {
    const { db, file } = open();
    const errors: string[] = [];
    // A file the thread cannot open (fileMustExist): it fails at start.
    const cp = new WalCheckpointer(db, `${file}.missing`, (m) => errors.push(m), 60_000);
    cleanups.push(() => cp.close());
    const deadline = Date.now() + 5_000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(errors[0]).toMatch(/WAL checkpoint thread (failed|stopped)/);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    await expect(cp.checkpointNow()).rejects.toThrow(/not running/);
  });
});
