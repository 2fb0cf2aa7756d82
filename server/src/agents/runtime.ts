import type { AgentConfig, AgentState, Roster } from "../../../shared/agents";
import { Agent, type WorkspaceState } from "../../../shared/state";
import type { World } from "../../../shared/world";
import type { Logger } from "../logger";
import { auditLater } from "../audit-later";
import type { Store } from "../store/store";
import { SpeechCoalescer } from "./speech";
import { BRAIN_START_BUDGET_MS, ROOM_WORK_BUDGET_MS, StartQueue } from "./start-queue";
import { steer } from "./steering";
import { ToolExecutor, type ToolHost } from "./tool-executor";
import type { AgentBody, AgentEvent, Brain, ToolOutcome } from "./types";

/**
 * How long an agent may stay in a busy state before the watchdog frees it (s). No agent may
 * stay stuck: when a deadline passes, its work is aborted, it goes idle, and the reason is shown
 * and audited. Waiting for a human is not stuck, so it has no deadline here.
 */
export const WATCHDOG_DEADLINES_S: Partial<Record<AgentState, number>> = {
  thinking: 90,
  speaking: 60,
  working: 120,
  walking: 90,
};
/** Events kept waiting in one mailbox; older ones are dropped (and audited) past this. */
export const MAILBOX_LIMIT = 20;
/** Agents of one district stand this far apart around its centre (m). */
const HOME_SPREAD = 3;

export { BRAIN_START_BUDGET_MS, MAX_BRAIN_STARTS_PER_TICK, ROOM_WORK_BUDGET_MS, START_FALLBACK_MS, TICKS_STOPPED_MS } from "./start-queue";

export class AgentFreedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "AgentFreedError";
  }
}

/** One agent as the runtime sees it: config, patched view, mailbox and what it is doing. */
export class LiveAgent {
  readonly mailbox: AgentEvent[] = [];
  busy = false;
  /** Bumped whenever the agent is freed, so a late finish of old work cannot clear new work. */
  epoch = 0;
  stateSince = performance.now();
  abort = new AbortController();
  walk: { x: number; z: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  /** Set for an agent driven from outside over MCP (server/src/mcp): it has no brain here, and its mail waits for it. */
  external: ExternalDriver | null = null;

  constructor(
    readonly config: AgentConfig,
    readonly view: Agent,
    readonly index: number,
  ) {}
}

/** The outside side of an external agent: told when mail arrives, since no brain here takes it. */
export interface ExternalDriver {
  onMail(agent: LiveAgent): void;
}

export interface RuntimeDeps {
  workspace: string;
  world: World;
  roster: Roster;
  store: Store;
  log: Logger;
  state: WorkspaceState;
  brain: Brain;
  broadcast: (type: string, payload: unknown) => void;
  /** Watchdog deadlines (s); WATCHDOG_DEADLINES_S when absent. */
  deadlinesS?: Partial<Record<AgentState, number>>;
  /** BRAIN_START_BUDGET_MS when absent (tests that count starts per tick pass Infinity). */
  startBudgetMs?: number;
  /** The room's work (ms) since its last patch, message handlers included; see ROOM_WORK_BUDGET_MS. */
  roomWorkMs?: () => number;
}

/**
 * Runs the agents of one workspace room: places them, delivers their mail one event at a time
 * to their brain, walks them, streams their speech, and frees any that get stuck.
 */
export class AgentRuntime {
  readonly agents = new Map<string, LiveAgent>();
  readonly speech: SpeechCoalescer;
  readonly tools: ToolExecutor;
  private disposed = false;
  /** Agents with mail that wait for a start, oldest first. Brains start only through it. */
  private readonly starts = new StartQueue<LiveAgent>(
    (agent) => this.start(agent),
    () => Math.min(this.deps.startBudgetMs ?? BRAIN_START_BUDGET_MS, ROOM_WORK_BUDGET_MS - (this.deps.roomWorkMs?.() ?? 0)),
  );

  constructor(private readonly deps: RuntimeDeps) {
    this.speech = new SpeechCoalescer((type, payload) => deps.broadcast(type, payload));
    deps.roster.agents.forEach((config, i) => this.place(config, i, deps.brain.kind, "idle"));
    this.tools = new ToolExecutor(this.host());
  }

  /** Puts an agent in the world (patched state) and in the runtime. */
  private place(config: AgentConfig, index: number, brain: string, state: AgentState): LiveAgent {
    const view = new Agent();
    view.id = config.id;
    view.name = config.name;
    view.role = config.role;
    view.colour = config.appearance.colour;
    view.shape = config.appearance.shape;
    view.state = state;
    view.reason = "";
    view.taskId = "";
    view.brain = brain;
    const spot = this.homeSpot(config, index);
    view.x = spot.x;
    view.z = spot.z;
    view.yaw = 0;
    this.deps.state.agents.set(config.id, view);
    const agent = new LiveAgent(config, view, index);
    this.agents.set(config.id, agent);
    return agent;
  }

  /**
   * Registers an agent that an outside process drives over MCP (server/src/mcp): an avatar like
   * the others (brain "external", offline until it connects) that runs the same tools through the
   * same executor, but has no brain here: its mail waits in its mailbox for it to read. Returns
   * the agent already registered under that id when it is external too; throws when the id
   * belongs to a roster agent.
   */
  addExternal(config: AgentConfig, driver: ExternalDriver): LiveAgent {
    const existing = this.agents.get(config.id);
    if (existing) {
      if (!existing.external) throw new Error(`the agent id "${config.id}" belongs to a built-in agent`);
      existing.external = driver;
      return existing;
    }
    const agent = this.place(config, this.agents.size, "external", "offline");
    agent.view.reason = "not connected";
    agent.external = driver;
    return agent;
  }

  /** A standing place in the agent's home district, spread so agents don't overlap. */
  homeSpot(config: AgentConfig, index: number): { x: number; z: number } {
    const d = this.deps.world.districts.find((w) => w.id === config.home) ?? this.deps.world.districts[0]!;
    const a = index * 2.399; // golden angle: neighbours never line up
    return { x: d.position[0] + Math.cos(a) * HOME_SPREAD, z: d.position[1] + Math.sin(a) * HOME_SPREAD };
  }

  /** Takes an external agent out of the world (its token was revoked). Its work stays in the store. */
  removeExternal(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    if (!agent?.external) return false;
    this.free(agent, "removed", null);
    this.agents.delete(agentId);
    this.deps.state.agents.delete(agentId);
    return true;
  }

  /** Puts an event in an agent's mailbox. False when there is no such agent. */
  deliver(agentId: string, event: AgentEvent): boolean {
    const agent = this.agents.get(agentId);
    if (!agent || this.disposed) return false;
    if (agent.mailbox.length >= MAILBOX_LIMIT) {
      const dropped = agent.mailbox.shift();
      auditLater(this.deps.store, { workspace: this.deps.workspace, actor: agentId, kind: "mailbox-overflow", data: { dropped: dropped ?? null } }, this.deps.log);
    }
    agent.mailbox.push(event);
    if (agent.external) agent.external.onMail(agent);
    else this.pump(agent);
    return true;
  }

  /** Advances walking agents and runs the watchdog. Called from the room's simulation tick. */
  tick(dtS: number): void {
    this.starts.tick();
    const now = performance.now();
    for (const agent of this.agents.values()) {
      const w = agent.walk;
      if (w && steer(agent.view, w.x, w.z, dtS)) {
        agent.walk = null;
        // Arrived: no longer walking, whatever the brain does next (it sets its own state).
        if (agent.view.state === "walking") this.setState(agent, "idle");
        w.resolve();
      }
      const deadline = (this.deps.deadlinesS ?? WATCHDOG_DEADLINES_S)[agent.view.state as AgentState];
      if (deadline !== undefined && now - agent.stateSince > deadline * 1000) {
        this.free(agent, `freed by the watchdog after ${deadline} s ${agent.view.state}`);
      }
    }
  }

  /**
   * A person spoke over the agent (barge-in): its generation is aborted like free(), and what it
   * said so far stays. The caller audits it. False when there is no such agent.
   */
  interrupt(agentId: string, reason: string): boolean {
    const agent = this.agents.get(agentId);
    if (!agent) return false;
    this.free(agent, reason, null);
    return true;
  }

  /** Aborts whatever the agent is doing and leaves it idle with `reason`; audited as `auditKind` (none when null). */
  free(agent: LiveAgent, reason: string, auditKind: string | null = "watchdog"): void {
    const was = agent.view.state;
    agent.epoch++;
    agent.abort.abort(new AgentFreedError(reason));
    agent.abort = new AbortController();
    agent.walk?.reject(new AgentFreedError(reason));
    agent.walk = null;
    agent.busy = false;
    this.tools.cancelQuestionsOf(agent.config.id, reason);
    this.speech.interrupt(agent.config.id); // close a bubble that was still streaming
    this.setState(agent, "idle", reason);
    if (auditKind) auditLater(this.deps.store, { workspace: this.deps.workspace, actor: agent.config.id, kind: auditKind, data: { was, reason } }, this.deps.log);
    this.deps.log.warn({ workspace: this.deps.workspace, agent: agent.config.id, was, reason }, "agent freed");
    this.pump(agent);
  }

  setState(agent: LiveAgent, state: AgentState, reason = ""): void {
    const was = agent.view.state;
    if (was !== state) agent.stateSince = performance.now();
    agent.view.state = state;
    agent.view.reason = reason;
    // Leaving a state that holds the mailbox (a resumed pause) lets the agent take its waiting mail.
    if (was !== state && (was === "paused" || was === "waiting-for-human")) this.pump(agent);
  }

  /** Queues the agent for a start when it is free to take its next event. */
  private pump(agent: LiveAgent): void {
    if (this.canStart(agent)) this.starts.push(agent);
  }

  private canStart(agent: LiveAgent): boolean {
    if (agent.external || agent.busy || this.disposed || agent.mailbox.length === 0) return false;
    const state = agent.view.state;
    return state !== "paused" && state !== "waiting-for-human";
  }

  /** Hands the agent's next event to its brain. False when it can no longer take it. */
  private start(agent: LiveAgent): boolean {
    if (!this.canStart(agent)) return false;
    const event = agent.mailbox.shift()!;
    if (event.kind === "task") agent.view.taskId = event.taskId; // what it works on now
    agent.busy = true;
    const epoch = agent.epoch;
    const body = this.bodyOf(agent);
    this.deps.brain
      .handle(body, event)
      .catch((err: unknown) => {
        if (err instanceof AgentFreedError || epoch !== agent.epoch) return;
        this.deps.log.error({ err, agent: agent.config.id }, "agent brain failed");
        this.setState(agent, "idle", `error: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        if (epoch !== agent.epoch) return;
        agent.busy = false;
        const s = agent.view.state;
        // Nobody waits for a human once the event is over (a withdrawn question, say).
        if (s === "thinking" || s === "speaking" || s === "working" || s === "walking" || s === "waiting-for-human") this.setState(agent, "idle");
        this.pump(agent);
      });
    return true;
  }

  private bodyOf(agent: LiveAgent): AgentBody {
    const signal = agent.abort.signal;
    return {
      config: agent.config,
      workspace: this.deps.workspace,
      signal,
      get taskId() {
        return agent.view.taskId || null;
      },
      setState: (state, reason) => {
        if (!signal.aborted) this.setState(agent, state, reason);
      },
      runTool: (name, raw): Promise<ToolOutcome> => {
        if (signal.aborted) return Promise.reject(signal.reason as Error);
        return this.tools.run(agent, name, raw);
      },
      beginSpeech: () => this.beginSpeech(agent),
      pause: (ms) =>
        new Promise<void>((resolve, reject) => {
          if (signal.aborted) return reject(signal.reason as Error);
          const t = setTimeout(resolve, ms);
          signal.addEventListener("abort", () => {
            clearTimeout(t);
            reject(signal.reason as Error);
          });
        }),
    };
  }

  /** A streamed utterance: the bubble grows as text arrives; the whole text is stored at the end. */
  beginSpeech(agent: LiveAgent): { append(delta: string): void; end(): void } {
    const id = this.speech.begin(agent.config.id);
    let text = "";
    this.setState(agent, "speaking");
    return {
      append: (delta) => {
        text += delta;
        this.speech.append(agent.config.id, id, delta);
      },
      end: () => {
        this.speech.end(agent.config.id, id);
        // Stored after the bubble closed (the LLM call behind it is read at once, for provenance); a failed write is logged.
        if (text.trim()) {
          this.deps.store.messages
            .addMessage({ workspace: this.deps.workspace, fromId: agent.config.id, fromKind: "agent", toId: null, text })
            .catch((err: unknown) => this.deps.log.error({ err, workspace: this.deps.workspace, agent: agent.config.id }, "could not store what an agent said"));
        }
      },
    };
  }

  /** Walks the agent to (x, z); resolves on arrival. */
  walkTo(agent: LiveAgent, x: number, z: number): Promise<void> {
    agent.walk?.reject(new Error("a new walk replaced this one"));
    this.setState(agent, "walking");
    return new Promise((resolve, reject) => {
      agent.walk = { x, z, resolve, reject };
    });
  }

  private host(): ToolHost {
    return {
      workspace: this.deps.workspace,
      world: this.deps.world,
      store: this.deps.store,
      log: this.deps.log,
      state: this.deps.state,
      agents: this.agents,
      walkTo: (agent, x, z) => this.walkTo(agent, x, z),
      speak: (agent, text) => {
        const s = this.beginSpeech(agent);
        s.append(text);
        s.end();
      },
      setState: (agent, state, reason) => this.setState(agent, state, reason),
      deliver: (agentId, event) => this.deliver(agentId, event),
      broadcast: this.deps.broadcast,
      resume: (agent) => this.pump(agent),
    };
  }

  dispose(): void {
    this.disposed = true;
    this.starts.dispose();
    for (const agent of this.agents.values()) {
      agent.epoch++;
      agent.abort.abort(new AgentFreedError("the room closed"));
      agent.walk?.reject(new AgentFreedError("the room closed"));
    }
    this.tools.cancelAll("the room closed");
    this.speech.dispose();
  }
}
