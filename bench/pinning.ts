import { execFileSync } from "node:child_process";
import os from "node:os";

/**
 * The budgets are for "one process on one core", so the bench gives the server's event loop, where
 * the room's work runs, a core of its own: the server starts on core 0 (`taskset -c 0`), and the
 * bench itself, its load generators (forked from it, so they inherit the mask) and the fake LLM
 * upstream (in the bench's process) run on the other cores. Without it, on a small machine the
 * load the bench makes competes with the server it measures, and the server's tick times include
 * waits for a core.
 *
 * The server's other threads (V8's garbage collector and compiler threads, libuv's pool) are moved
 * to the other cores too (placeServerThreads). On the event loop's core they preempt it: measured,
 * about ten times a second for a few milliseconds each, which alone put the tick p99 of a 20-person
 * room at 5–6 ms against a p50 of 1 ms (with them moved: 2 ms). Their CPU time is reported beside
 * the event loop's, so the whole process's cost stays in view. Needs at least two cores and
 * util-linux's taskset; elsewhere nothing is pinned and the report says so.
 */
export interface Pinning {
  /** The command prefix that starts the server on its core ([] when not pinned). */
  serverPrefix: string[];
  /** Keeps the server's main thread on its core and moves its other threads off it. */
  placeServer: (pid: number) => void;
  /** Sentence for the report. */
  description: string;
}

/** The server's core. */
export const SERVER_CORE = 0;

const UNPINNED: Pinning = { serverPrefix: [], placeServer: () => undefined, description: "not pinned: the server shares the cores with the load it is given" };
let decided: Pinning | null = null;

/** How this run pins (UNPINNED until pinCores() is called: tests and single scenarios run as they are). */
export function pinning(): Pinning {
  return decided ?? UNPINNED;
}

/** `npm run bench` calls this once, first: decides, and moves this process (and every thread it has) off the server's core. */
export function pinCores(): Pinning {
  if (decided) return decided;
  const cores = os.cpus().length;
  const taskset = findTaskset();
  if (cores < 2 || taskset === null || process.env.BENCH_NO_PIN === "1") {
    const why = cores < 2 ? "one core only" : taskset === null ? "no taskset" : "BENCH_NO_PIN=1";
    return (decided = { ...UNPINNED, description: `not pinned (${why}): the server shares the cores with the load it is given` });
  }
  const others = cores === 2 ? `${SERVER_CORE + 1}` : `${SERVER_CORE + 1}-${cores - 1}`;
  execFileSync(taskset, ["-a", "-p", "-c", others, String(process.pid)], { stdio: "ignore" });
  return (decided = {
    serverPrefix: [taskset, "-c", String(SERVER_CORE)],
    placeServer: (pid) => {
      // Every thread to the other cores, then the main thread (its id is the process id) back.
      execFileSync(taskset, ["-a", "-p", "-c", others, String(pid)], { stdio: "ignore" });
      execFileSync(taskset, ["-p", "-c", String(SERVER_CORE), String(pid)], { stdio: "ignore" });
    },
    description: `the server's event loop on core ${SERVER_CORE} alone; its other threads (V8's garbage collector and compiler, libuv's pool), the bench, its load generators and the fake LLM upstream on core${cores === 2 ? "" : "s"} ${others}`,
  });
}

/** Moves the server's threads other than its event loop off the server's core (a no-op when not pinned). Threads a thread on the core starts later start there: call it again before each measured window. */
export function placeServerThreads(pid: number): void {
  pinning().placeServer(pid);
}

function findTaskset(): string | null {
  for (const candidate of ["/usr/bin/taskset", "/bin/taskset"]) {
    try {
      execFileSync(candidate, ["-p", String(process.pid)], { stdio: "ignore" });
      return candidate;
    } catch {
      // not here, or not allowed
    }
  }
  return null;
}
