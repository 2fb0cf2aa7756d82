import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { LlmError } from "./llm-error";
import { parseRetryAfter } from "./retry-policy";
import { ToolCallAssemblyError } from "./tool-call-assembler";

/** Why the broker itself aborted an attempt, if it did. */
export type AbortCause = "attempt_timeout" | "idle_timeout" | "caller";

export function errorForAbort(cause: AbortCause, timeouts: { attemptTimeoutMs: number; idleTimeoutMs: number }): LlmError {
  switch (cause) {
    case "caller":
      return new LlmError("aborted", "the call was cancelled");
    case "attempt_timeout":
      return new LlmError("timeout", `no complete answer within ${timeouts.attemptTimeoutMs} ms`, { retryable: true });
    case "idle_timeout":
      return new LlmError("timeout", `the upstream went silent for ${timeouts.idleTimeoutMs} ms`, { retryable: true });
  }
}

/**
 * Turns whatever the SDK or the stream threw into an LlmError. `cause` wins: when the broker
 * aborted the attempt itself, the SDK's error only echoes that.
 */
export function classifyError(err: unknown, cause: AbortCause | null, timeouts: { attemptTimeoutMs: number; idleTimeoutMs: number }): LlmError {
  if (err instanceof LlmError) return err;
  if (cause) return errorForAbort(cause, timeouts);
  if (err instanceof APIUserAbortError) return new LlmError("aborted", "the call was cancelled");
  if (err instanceof APIConnectionTimeoutError) return new LlmError("timeout", "the connection to the upstream timed out", { retryable: true });
  if (err instanceof APIConnectionError) return new LlmError("network", `cannot reach the upstream: ${describeCause(err)}`, { retryable: true });
  if (err instanceof APIError) return fromStatus(err);
  if (err instanceof SyntaxError) return new LlmError("bad_response", `the upstream sent a stream that is not valid JSON: ${err.message}`);
  if (err instanceof ToolCallAssemblyError) return new LlmError("bad_response", err.message);
  if (err instanceof TypeError) {
    // undici: "terminated" when the body stream breaks (connection reset mid-stream).
    return new LlmError("network", `the connection broke: ${describeCause(err)}`, { retryable: true });
  }
  return new LlmError("unexpected", err instanceof Error ? err.message : String(err));
}

function fromStatus(err: APIError): LlmError {
  const status = err.status;
  const message = err.message;
  if (status === undefined) {
    // An `error` object inside the SSE stream: the upstream failed while generating.
    return new LlmError("server_error", `the upstream reported an error mid-stream: ${message}`, { retryable: true });
  }
  const retryAfter = parseRetryAfter(err.headers);
  const details = { status, ...(retryAfter !== null ? { retryAfterMs: retryAfter } : {}) };
  if (status === 429) return new LlmError("rate_limited", `rate limited (${message})`, { ...details, retryable: true });
  if (status === 408) return new LlmError("timeout", `the upstream timed out (${message})`, { ...details, retryable: true });
  if (status >= 500) return new LlmError("server_error", `the upstream failed (${message})`, { ...details, retryable: true });
  if (status === 401 || status === 403) return new LlmError("auth", `the upstream refused the API key (${message})`, details);
  return new LlmError("bad_request", `the upstream rejected the request (${message})`, details);
}

/** "fetch failed" says little; its cause says what happened (ECONNREFUSED, other side closed, ...). */
function describeCause(err: Error): string {
  const parts = [err.message];
  let cause: unknown = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    const code = (cause as { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${cause.message} (${code})` : cause.message);
    cause = cause.cause;
  }
  return parts.filter((p, i) => p && parts.indexOf(p) === i).join(": ");
}
