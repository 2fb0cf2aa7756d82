import { BACKOFF_JITTER_FRACTION } from "./tunables";

/**
 * How long the upstream asked us to wait, from `retry-after-ms` (OpenAI's, milliseconds) or
 * `Retry-After` (seconds, or an HTTP date). Null when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with jitter before retry number `retry` (0 for the first retry):
 * min(max, base × 2^retry), less up to BACKOFF_JITTER_FRACTION of it at random.
 */
export function backoffDelay(retry: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** retry);
  return Math.round(ceiling * (1 - BACKOFF_JITTER_FRACTION * random()));
}

/** Sleeps `ms`, or rejects with `onAbort()` as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const done = () => {
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}
