import { CHARS_PER_TOKEN_ESTIMATE } from "./tunables";
import type { LlmMessage, LlmTool, LlmUsage } from "./types";

/** Characters of prompt the upstream reads: message texts, tool-call arguments and tool schemas. */
export function promptChars(messages: readonly LlmMessage[], tools: readonly LlmTool[]): number {
  let chars = 0;
  for (const m of messages) {
    chars += m.content?.length ?? 0;
    if (m.role === "assistant" && m.tool_calls) for (const c of m.tool_calls) chars += c.function.name.length + c.function.arguments.length;
  }
  for (const t of tools) chars += JSON.stringify(t.function).length;
  return chars;
}

/** A rough token count for upstreams that report no usage (CHARS_PER_TOKEN_ESTIMATE characters a token). */
export function estimateUsage(promptCharacters: number, completionCharacters: number): LlmUsage {
  return {
    promptTokens: Math.ceil(promptCharacters / CHARS_PER_TOKEN_ESTIMATE),
    completionTokens: Math.ceil(completionCharacters / CHARS_PER_TOKEN_ESTIMATE),
  };
}
