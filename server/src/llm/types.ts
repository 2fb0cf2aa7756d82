/**
 * The broker's own message and result types. They follow the OpenAI chat-completions wire
 * format (snake_case where the wire uses it) so they pass to the SDK unchanged, but callers
 * never need to import `openai` themselves.
 */

export interface LlmToolCall {
  id: string;
  name: string;
  /** The arguments exactly as the model wrote them: a JSON string the caller validates (zod). */
  arguments: string;
}

export type LlmMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string; name?: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

/** A function tool as the model sees it: its parameters are a JSON Schema (made from a zod schema). */
export interface LlmTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface LlmStreamRequest {
  agentId: string;
  /** Charged to this workspace's budget; DEFAULT_WORKSPACE when absent. */
  workspace?: string;
  /** Overrides the broker's default model (ATRIUM_MODEL) for this call. */
  model?: string;
  messages: LlmMessage[];
  tools?: LlmTool[];
  /** Aborts the call (queued, waiting to retry or streaming); it then fails with kind "aborted". */
  signal?: AbortSignal;
  /** Called once per content token delta, in order, as the text streams. */
  onDelta?: (textDelta: string) => void;
}

export interface LlmResult {
  text: string;
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  /** True when the upstream reported no usage and the tokens were estimated from the text length. */
  usageEstimated: boolean;
  costUsd: number;
  /** The model asked for (the price table's key). */
  model: string;
  /** From the start of `stream()` to the first content or tool-call delta; null if none came. */
  ttftMs: number | null;
  /** From the start of `stream()` to the end of the stream, retries and queueing included. */
  latencyMs: number;
  /** As the upstream said it: "stop", "tool_calls", "length", "content_filter", ... */
  finishReason: string;
  /** HTTP attempts made (1 when the first one succeeded). */
  attempts: number;
}

/** One call, as the audit log keeps it. Secrets are redacted; everything else is as sent and received. */
export interface LlmCallRecord {
  id: string;
  agentId: string;
  workspace: string;
  /** The upstream base URL. */
  baseURL: string;
  model: string;
  /** The model name the upstream reported, when it reported one. */
  responseModel: string | null;
  startedAt: string;
  messages: LlmMessage[];
  tools: LlmTool[];
  /** The text and tool calls received; on failure, the text that streamed before it. */
  response: { text: string; toolCalls: LlmToolCall[]; finishReason: string | null };
  usage: LlmUsage;
  usageEstimated: boolean;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  outcome: "ok" | "error";
  error: { kind: string; message: string } | null;
}
