/** Messages between the room-capacity orchestrator and its load-generator processes (IPC). */

/**
 * Whether load clients decode state patches. Off: 200 clients each decoding 200 people's moves
 * 20 times a second would starve the generator on a small machine, and a starved generator sends
 * fewer moves than real clients do. Bytes are counted either way (see SimClient).
 */
export const LOAD_CLIENTS_DECODE_PATCHES = false;

export type LoadCommand =
  /** Join `count` simulated clients, named from `firstIndex`, and start them walking. */
  | { type: "join"; endpoint: string; count: number; firstIndex: number; seed: number }
  /** Zero the downstream counters and CPU clock: the measured window starts now. */
  | { type: "reset" }
  /** Send a LoadReport for the window since the last reset. */
  | { type: "report" }
  /** Leave the room with every client (consented), then exit with code 0. */
  | { type: "stop" };

export interface ClientReport {
  bytes: number;
  messages: number;
  moves: number;
  errors: number;
  errorSamples: string[];
}

export interface LoadReport {
  /** Length of the measured window in this process (s). */
  elapsedS: number;
  clients: ClientReport[];
  /** CPU this process used in the window, in % of one core. */
  cpuPercent: number;
  /** Event-loop delay p99 in the window (ms): high means the generator itself was saturated. */
  loopDelayP99Ms: number;
}

export type LoadEvent =
  | { type: "joined"; joined: number; failures: string[] }
  | { type: "report"; report: LoadReport }
  | { type: "fatal"; error: string };
