import type OpenAI from "openai";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { classifyError, errorForAbort, type AbortCause } from "./classify-error";
import { LlmError } from "./llm-error";
import { ToolCallAssembler } from "./tool-call-assembler";
import type { LlmToolCall, LlmUsage } from "./types";

export interface AttemptTimeouts {
  attemptTimeoutMs: number;
  idleTimeoutMs: number;
}

export interface AttemptInput {
  client: OpenAI;
  body: ChatCompletionCreateParamsStreaming;
  timeouts: AttemptTimeouts;
  /** The caller's signal: aborts the attempt. */
  signal: AbortSignal | undefined;
  onDelta: ((textDelta: string) => void) | undefined;
  /** Called at the first content or tool-call delta of the attempt. */
  onFirstDelta: () => void;
}

/** What an attempt got so far; the broker reads it after a failure too. */
export interface AttemptProgress {
  /** The upstream answered 200 and the stream began (so it may bill for it). */
  started: boolean;
  /** Text reached the caller's onDelta: retrying would repeat it. (Tool calls reach the caller only at the end.) */
  emitted: boolean;
  text: string;
  /** Characters of tool-call arguments received (for usage estimates). */
  toolChars: number;
  usage: LlmUsage | null;
  responseModel: string | null;
}

export interface AttemptResult {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string;
}

export function newProgress(): AttemptProgress {
  return { started: false, emitted: false, text: "", toolChars: 0, usage: null, responseModel: null };
}

/** Thrown (wrapped) when the caller's onDelta throws, so it is not mistaken for a stream error. */
class CallbackError extends Error {}

/**
 * One HTTP attempt: sends the request through the SDK (its own retries off) and reads the
 * stream to the end. Enforces the attempt and idle timeouts by aborting the request, which the
 * upstream sees as a disconnect. Throws an LlmError; `progress` says how far it got.
 */
export async function runAttempt(input: AttemptInput, progress: AttemptProgress): Promise<AttemptResult> {
  const { timeouts } = input;
  const controller = new AbortController();
  let cause: AbortCause | null = null;
  const abort = (why: AbortCause) => {
    if (cause !== null) return;
    cause = why;
    controller.abort();
  };
  const onCallerAbort = () => abort("caller");
  if (input.signal?.aborted) throw errorForAbort("caller", timeouts);
  input.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const attemptTimer = setTimeout(() => abort("attempt_timeout"), timeouts.attemptTimeoutMs);
  const idleTimer = setTimeout(() => abort("idle_timeout"), timeouts.idleTimeoutMs);
  let finished = false;
  try {
    const stream = await input.client.chat.completions.create(input.body, {
      signal: controller.signal,
      maxRetries: 0,
      timeout: timeouts.attemptTimeoutMs,
    });
    progress.started = true;
    idleTimer.refresh();

    const assembler = new ToolCallAssembler();
    let finishReason: string | null = null;
    let sawDelta = false;
    const firstDelta = () => {
      if (sawDelta) return;
      sawDelta = true;
      input.onFirstDelta();
    };
    for await (const chunk of stream) {
      idleTimer.refresh();
      if (chunk.model) progress.responseModel = chunk.model;
      if (chunk.usage) progress.usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (delta?.content) {
        progress.text += delta.content;
        firstDelta();
        progress.emitted = true;
        if (input.onDelta) callBack(input.onDelta, delta.content);
      }
      if (delta?.tool_calls && delta.tool_calls.length > 0) {
        assembler.push(delta.tool_calls);
        for (const call of delta.tool_calls) progress.toolChars += (call.function?.arguments?.length ?? 0) + (call.function?.name?.length ?? 0);
        firstDelta();
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    // The SDK ends the iteration quietly when its request is aborted: say why.
    if (cause !== null) throw errorForAbort(cause, timeouts);
    if (finishReason === null) throw new LlmError("bad_response", "the stream ended before the model finished (no finish_reason)", { retryable: !progress.emitted });
    const toolCalls = assembler.finish();
    finished = true;
    return { text: progress.text, toolCalls, finishReason };
  } catch (err) {
    if (err instanceof CallbackError) throw new LlmError("unexpected", `onDelta threw: ${err.message}`);
    throw classifyError(err, cause, timeouts);
  } finally {
    clearTimeout(attemptTimer);
    clearTimeout(idleTimer);
    input.signal?.removeEventListener("abort", onCallerAbort);
    // Leaving early (an error, a throwing callback): make sure the connection is let go.
    if (!finished && !controller.signal.aborted) controller.abort();
  }
}

function callBack(onDelta: (textDelta: string) => void, text: string): void {
  try {
    onDelta(text);
  } catch (err) {
    throw new CallbackError(err instanceof Error ? err.message : String(err));
  }
}
