import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AgentState } from "../../../shared/agents";
import { WorkspaceState } from "../../../shared/state";
import { createLogger } from "../logger";
import { openStore, type Store } from "../store/store";
import { auditsWritten } from "../audit-later";
import { loadWorld } from "../world/load-world";
import { loadRoster } from "./roster";
import { AgentRuntime, type LiveAgent } from "./runtime";
import type { AgentBody, AgentEvent, Brain } from "./types";

/** Shared setup of the agent runtime tests (runtime*.test.ts). Test code only. */

const WORLD_FILE = path.resolve(__dirname, "../../../config/world.yaml");
const AGENTS_FILE = path.resolve(__dirname, "../../../config/agents.yaml");
export const world = loadWorld(WORLD_FILE);
export const roster = loadRoster(AGENTS_FILE, world);
export const WS = "rt-test";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export const label = (e: AgentEvent) => (e.kind === "message" ? e.text : `task:${e.taskId}`);
export const msg = (text: string): AgentEvent => ({ kind: "message", from: { id: "p1", name: "Ada", kind: "person" }, text });

export type Script = (body: AgentBody, event: AgentEvent, brain: TestBrain) => Promise<void>;

/** The runtime's plug-in for these tests: records what it was given and when, and runs a script. */
export class TestBrain implements Brain {
  readonly kind = "llm" as const;
  /** "start:<agent>:<label>" and "end:<agent>:<label>", in the order they happened. */
  readonly log: string[] = [];
  readonly bodies: AgentBody[] = [];
  private readonly running = new Map<string, number>();
  maxPerAgent = 0;
  maxOverall = 0;

  constructor(private readonly script: Script = async () => {}) {}

  async handle(body: AgentBody, event: AgentEvent): Promise<void> {
    const id = body.config.id;
    this.bodies.push(body);
    const n = (this.running.get(id) ?? 0) + 1;
    this.running.set(id, n);
    this.maxPerAgent = Math.max(this.maxPerAgent, n);
    this.maxOverall = Math.max(this.maxOverall, [...this.running.values()].reduce((a, b) => a + b, 0));
    this.log.push(`start:${id}:${label(event)}`);
    try {
      await this.script(body, event, this);
    } finally {
      this.running.set(id, (this.running.get(id) ?? 1) - 1);
      this.log.push(`end:${id}:${label(event)}`);
    }
  }

  started(agentId: string): string[] {
    return this.log.filter((l) => l.startsWith(`start:${agentId}:`)).map((l) => l.slice(`start:${agentId}:`.length));
  }
}

export interface RuntimeHarness {
  runtime: AgentRuntime;
  store: Store;
  state: WorkspaceState;
  broadcasts: Array<{ type: string; payload: unknown }>;
  agent(id: string): LiveAgent;
}

const cleanups: Array<() => Promise<void>> = [];

export interface SetupOptions {
  deadlinesS?: Partial<Record<AgentState, number>>;
  /** Default WS. */
  workspace?: string;
}

/**
 * A runtime over a fresh database with the repository's world and roster; disposed by
 * disposeHarnesses(). `brain` may be a function of the store, for brains that read it.
 */
export async function setup(brain: Brain | ((store: Store) => Brain), { deadlinesS, workspace = WS }: SetupOptions = {}): Promise<RuntimeHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-runtime-"));
  const store = await openStore(path.join(dir, "atrium.db"));
  const state = new WorkspaceState();
  state.workspace = workspace;
  const broadcasts: RuntimeHarness["broadcasts"] = [];
  const runtime = new AgentRuntime({
    workspace,
    world,
    roster,
    store,
    log: createLogger("silent"),
    state,
    brain: typeof brain === "function" ? brain(store) : brain,
    broadcast: (type, payload) => broadcasts.push({ type, payload }),
    ...(deadlinesS ? { deadlinesS } : {}),
  });
  cleanups.push(async () => {
    runtime.dispose();
    await auditsWritten(store);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    runtime,
    store,
    state,
    broadcasts,
    agent(id) {
      const a = runtime.agents.get(id);
      if (!a) throw new Error(`no agent ${id}`);
      return a;
    },
  };
}

/** Disposes every runtime setup() made, with its database. Call from afterEach. */
export async function disposeHarnesses(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}
