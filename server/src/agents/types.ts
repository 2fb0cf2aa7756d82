import type { AgentConfig, AgentState } from "../../../shared/agents";

/** Something that arrives in an agent's mailbox. */
export type AgentEvent =
  | { kind: "message"; from: { id: string; name: string; kind: "person" | "agent" | "system" }; text: string }
  | { kind: "task"; taskId: string; from: { id: string; name: string; kind: "person" | "agent" | "system" }; note: string };

/** What a tool run gives back to the one who asked: the model sees `content`. */
export interface ToolOutcome {
  ok: boolean;
  content: string;
}

/**
 * What a brain (the offline planner or the LLM loop) can do with its agent's body. Every
 * change to the world goes through `runTool`, so both brains share one validated, audited path.
 */
export interface AgentBody {
  readonly config: AgentConfig;
  readonly workspace: string;
  /** Aborted when the watchdog frees the agent or the room closes. */
  readonly signal: AbortSignal;
  /** The task the agent works on now, or null. */
  readonly taskId: string | null;
  setState(state: AgentState, reason?: string): void;
  /** Runs a tool by name with JSON arguments, as a model would call it. */
  runTool(name: string, rawArguments: string): Promise<ToolOutcome>;
  /** Starts a streamed utterance; returns functions to add text and to finish it (stored as a message). */
  beginSpeech(): { append(delta: string): void; end(): void };
  /** Resolves after `ms`, or rejects when the agent is freed. */
  pause(ms: number): Promise<void>;
}

/** Decides what an agent does about each event. */
export interface Brain {
  readonly kind: "llm" | "offline";
  handle(body: AgentBody, event: AgentEvent): Promise<void>;
}
