import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/**
 * How often the checkpoint thread copies the write-ahead log into the database file (ms). A
 * checkpoint that catches up with the writer lets the next commit start the log again from its
 * beginning. Every 100 ms was worse: its syncs slowed the event loop's own commits (80–90
 * statements over 2 ms in a run of the agents-streaming bench, against 10). Default 1,000.
 */
export const WAL_CHECKPOINT_INTERVAL_MS = 1_000;
/**
 * A writer that never pauses (a commit every few ms, for seconds) keeps a PASSIVE checkpoint from
 * ever catching up, and the log grows. Past this many frames (4 KB each) the thread runs one
 * RESTART checkpoint, which makes the writer wait for it once. Default 10,000 (~40 MB).
 */
export const WAL_RESTART_FRAMES = 10_000;
/** SQLite's own automatic checkpoint (pages), put back if the checkpoint thread stops. Default 1,000 (SQLite's default). */
export const WAL_AUTOCHECKPOINT_PAGES = 1_000;

/**
 * The thread's code (CommonJS, run with `eval`): its own connection to the same file, and a
 * PASSIVE checkpoint every interval (it never waits for, nor blocks, the writer); a RESTART one
 * after a PASSIVE one found the log past restartFrames.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
let mode = "PASSIVE";
const run = (pass = 1) => {
  if (!db.open) return;
  try {
    const [r] = db.pragma("wal_checkpoint(" + mode + ")");
    mode = mode === "PASSIVE" && r.log > workerData.restartFrames ? "RESTART" : "PASSIVE";
    parentPort.postMessage({ kind: "checkpoint", log: r.log, checkpointed: r.checkpointed });
    // Frames came in while it copied: catch up at once, so the log can start again from its beginning.
    if (r.checkpointed < r.log && pass < 4) setImmediate(run, pass + 1);
  } catch (err) {
    parentPort.postMessage({ kind: "error", message: String((err && err.message) || err) });
  }
};
const timer = setInterval(() => run(), workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m === "checkpoint") run(4);
  if (m !== "close") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointReport {
  /** Frames in the log, and frames copied into the database file so far. */
  log: number;
  checkpointed: number;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default SQLite checkpoints inside
 * whichever commit takes the log past 1,000 pages: that commit copies ~4 MB into the database file
 * and syncs it, 8–60 ms on the 2-core test machine, and the room's tick stalls for as long. Here
 * the connection's automatic checkpoint is turned off, and a worker thread with a connection of
 * its own checkpoints (PASSIVE: it never blocks the writer) every WAL_CHECKPOINT_INTERVAL_MS while
 * the event loop goes on writing.
 * Durability is unchanged: a commit is in the log either way, and a crash replays the log.
 * Should the thread fail, the connection checkpoints by itself again.
 */
export class WalCheckpointer {
  private worker: Worker | null;
  private closed = false;
  /** The last checkpoint the thread reported (for tests and diagnostics). */
  last: CheckpointReport | null = null;
  private readonly waiters: Array<(r: CheckpointReport) => void> = [];
  private lastError: string | undefined;

  constructor(
    private readonly db: Database.Database,
    file: string,
    private readonly onError: (message: string) => void = () => {},
    intervalMs = WAL_CHECKPOINT_INTERVAL_MS,
  ) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver, file, intervalMs, restartFrames: WAL_RESTART_FRAMES } });
    this.worker.unref(); // never keeps the process alive
    db.pragma("wal_autocheckpoint = 0");
    this.worker.on("message", (m: { kind: string; log?: number; checkpointed?: number; message?: string }) => {
      if (m.kind === "checkpoint") {
        this.last = { log: m.log ?? 0, checkpointed: m.checkpointed ?? 0 };
        for (const w of this.waiters.splice(0)) w(this.last);
      } else if (m.kind === "error" && m.message !== this.lastError) {
        this.lastError = m.message; // told once, not every interval
        this.onError(`WAL checkpoint failed: ${m.message ?? "unknown error"}`);
      }
    });
    this.worker.on("error", (err) => this.fallBack(`the WAL checkpoint thread failed: ${err.message}`));
    this.worker.on("exit", () => {
      if (!this.closed) this.fallBack("the WAL checkpoint thread stopped");
    });
  }

  /** Asks for a checkpoint now; resolves with the thread's report. */
  checkpointNow(): Promise<CheckpointReport> {
    return new Promise((resolve, reject) => {
      if (!this.worker) return reject(new Error("the WAL checkpoint thread is not running"));
      this.waiters.push(resolve);
      this.worker.postMessage("checkpoint");
    });
  }

  /** Stops the thread (it closes its connection). The store's own connection is left alone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker?.postMessage("close");
    this.worker = null;
  }

  /** The thread is gone: SQLite checkpoints inside commits again, so the log cannot grow without bound. */
  private fallBack(reason: string): void {
    this.worker = null;
    if (this.closed) return;
    this.closed = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    this.onError(reason);
  }
}
