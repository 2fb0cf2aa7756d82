/**
 * A load-generator process for the room-capacity scenario: runs a share of the simulated
 * clients and answers the orchestrator over IPC (see load-protocol.ts). It exits when the
 * orchestrator says "stop" or when the IPC channel closes (the orchestrator died).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { LOAD_CLIENTS_DECODE_PATCHES, type ClientReport, type LoadCommand, type LoadEvent, type LoadReport } from "./load-protocol";
import { SimClient } from "./sim-client";
import { seededRandom } from "./stats";

/** Joins in flight at once per process; the server's matchmaker handles bursts better this way. */
export const JOIN_CONCURRENCY = 8;

const clients: SimClient[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let windowStart = performance.now();
let cpuStart = process.cpuUsage();

function emit(event: LoadEvent): void {
  process.send?.(event);
}

async function joinAll(endpoint: string, count: number, firstIndex: number, seed: number): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = firstIndex + next++;
      try {
        const sim = await SimClient.join(endpoint, `bench-${index}`, { decodePatches: LOAD_CLIENTS_DECODE_PATCHES });
        clients.push(sim);
        sim.startWalking(seededRandom(seed + index));
      } catch (err) {
        failures.push(`bench-${index}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, count) }, worker));
  emit({ type: "joined", joined: clients.length, failures });
}

function reset(): void {
  for (const c of clients) c.resetCounters();
  loopDelay.reset();
  windowStart = performance.now();
  cpuStart = process.cpuUsage();
}

function report(): LoadReport {
  const elapsedMs = performance.now() - windowStart;
  const cpu = process.cpuUsage(cpuStart);
  const perClient: ClientReport[] = clients.map((c) => ({
    bytes: c.bytes,
    messages: c.messages,
    moves: c.moves,
    errors: c.errors,
    errorSamples: [...c.errorSamples],
  }));
  return {
    elapsedS: elapsedMs / 1000,
    clients: perClient,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

async function stop(): Promise<void> {
  await Promise.all(clients.map((c) => c.leave()));
  process.exit(0);
}

process.on("message", (raw: unknown) => {
  const command = raw as LoadCommand;
  const run = async () => {
    switch (command.type) {
      case "join":
        return joinAll(command.endpoint, command.count, command.firstIndex, command.seed);
      case "reset":
        return reset();
      case "report":
        return emit({ type: "report", report: report() });
      case "stop":
        return stop();
    }
  };
  run().catch((err: unknown) => emit({ type: "fatal", error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});

// The orchestrator is gone: do not linger.
process.on("disconnect", () => process.exit(0));
