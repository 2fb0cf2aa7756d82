import { afterEach, beforeEach } from "vitest";
import type { WorkspaceState } from "../../../shared/state";
import type { Store } from "../store/store";
import { auditsWritten } from "../audit-later";
import { countRows } from "../testing/db-count";
import type { AgentRuntime, LiveAgent } from "./runtime";
import { disposeHarnesses, setup } from "./runtime-fixtures";
import type { AgentEvent, Brain, ToolOutcome } from "./types";

/** Shared setup of the tool executor tests (tool-executor*.test.ts). Test code only. */

export { roster, world } from "./runtime-fixtures";
export const WS = "tools-test";

/** A brain that only records the events the executor delivers; the executor is what is tested. */
export class RecordingBrain implements Brain {
  readonly kind = "llm" as const;
  readonly events: Array<{ agentId: string; event: AgentEvent }> = [];
  async handle(body: { config: { id: string } }, event: AgentEvent): Promise<void> {
    this.events.push({ agentId: body.config.id, event });
  }
}

interface Current {
  store: Store;
  state: WorkspaceState;
  brain: RecordingBrain;
  runtime: AgentRuntime;
  broadcasts: Array<{ type: string; payload: unknown }>;
}

/**
 * A fresh runtime over a fresh database for every test (beforeEach), disposed after it
 * (afterEach). Call once, at the top of the test file. The getters read the current test's
 * objects; the functions act on them.
 */
export function useToolExecutor() {
  let current: Current | undefined;
  const now = (): Current => {
    if (!current) throw new Error("the tool executor fixture is only there inside a test");
    return current;
  };

  beforeEach(async () => {
    const brain = new RecordingBrain();
    const { store, state, runtime, broadcasts } = await setup(brain, { workspace: WS });
    current = { store, state, brain, runtime, broadcasts };
  });

  afterEach(async () => {
    current = undefined;
    await disposeHarnesses();
  });

  function agent(id: string): LiveAgent {
    const a = now().runtime.agents.get(id);
    if (!a) throw new Error(`no agent ${id}`);
    return a;
  }

  const run = (id: string, tool: string, args: unknown): Promise<ToolOutcome> =>
    now().runtime.tools.run(agent(id), tool, typeof args === "string" ? args : JSON.stringify(args));

  const count = (table: "tasks" | "task_events" | "artifacts" | "messages" | "audit") => countRows(now().store.db, table);

  /** Row counts of everything a tool may change (once the audit rows asked for are written). */
  async function snapshot() {
    await auditsWritten(now().store);
    return { tasks: await count("tasks"), events: await count("task_events"), artifacts: await count("artifacts"), messages: await count("messages") };
  }

  async function toolAudit() {
    await auditsWritten(now().store);
    return (await now().store.recentAudit(1000, WS)).filter((r) => r.kind === "tool");
  }

  async function lastToolAudit() {
    const row = (await toolAudit())[0];
    if (!row) throw new Error("no tool audit row");
    return row;
  }

  const of = <T>(type: string) => now().broadcasts.filter((b) => b.type === type).map((b) => b.payload as T);

  function newTask(assignee: string | null = null, title = "Compare pricing models") {
    return now().store.work.createTask({
      workspace: WS,
      title,
      description: "Three models, one page.",
      district: "market-hall",
      assignee: assignee ? { kind: "agent", id: assignee } : null,
      createdBy: "cleo",
    });
  }

  /** Lets delivered events reach the brain: the next tick starts them, a macrotask runs them. */
  async function settle(): Promise<void> {
    now().runtime.tick(0);
    await new Promise<void>((r) => setImmediate(r));
  }

  /** Ticks the runtime until the agent stops walking; returns how many ticks it took. */
  function walkUntilArrived(a: LiveAgent, dtS = 0.1, max = 5000): number {
    let ticks = 0;
    while (a.walk) {
      now().runtime.tick(dtS);
      if (++ticks > max) throw new Error(`${a.config.id} never arrived`);
    }
    return ticks;
  }

  return {
    get store() {
      return now().store;
    },
    get state() {
      return now().state;
    },
    get brain() {
      return now().brain;
    },
    get runtime() {
      return now().runtime;
    },
    get broadcasts() {
      return now().broadcasts;
    },
    agent,
    run,
    snapshot,
    toolAudit,
    lastToolAudit,
    of,
    newTask,
    settle,
    walkUntilArrived,
  };
}
