import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which LLM call an agent's words and tool runs come from. A brain runs each model call (or,
 * for the offline planner, each decision) inside `withLlmCall`, and everything that call leads
 * to — streamed speech, tool runs and what they say — happens in that async context, however
 * deep in the runtime and the tool executor it is written. The store reads it back with
 * `llmCallBehind` when it writes a message or an audit row, so neither the runtime nor the
 * executor has to pass ids around.
 *
 * The frame names its agent: work one agent's call sets off for another (a hand-off starts the
 * receiver's brain) is never attributed to the wrong call, because the receiver's own writes
 * ask for the receiver's frame and find none until its brain opens one.
 */
interface Frame {
  readonly agentId: string;
  readonly llmCallId: number;
}

const frames = new AsyncLocalStorage<Frame>();

/** Runs `fn` (and everything it awaits or starts) as the work of LLM call `llmCallId` by `agentId`. */
export function withLlmCall<T>(agentId: string, llmCallId: number, fn: () => T): T {
  return frames.run({ agentId, llmCallId }, fn);
}

/** The LLM call the current work of `agentId` comes from, or null outside any. */
export function llmCallBehind(agentId: string): number | null {
  const f = frames.getStore();
  return f !== undefined && f.agentId === agentId ? f.llmCallId : null;
}
