import { z } from "zod";

/**
 * Per-client limits on room messages: token buckets for all messages and per kind of message,
 * a per-person budget of actions that make an agent think (each may cost an LLM call), and
 * strikes: a client refused too often in a short time is disconnected. Every tunable is named
 * here with its default; tests and the bench may pass their own (AtriumOptions.limits).
 */

export interface Bucket {
  /** Sustained rate (messages per second). */
  perSecond: number;
  /** How many may come at once after a quiet spell. */
  burst: number;
}

/** Kinds of message with a bucket of their own; anything else uses `other`. */
export type MessageKind = "movement" | "chat" | "voice" | "other";

export interface Limits {
  /** Every message of one client, whatever its type. Default 60/s, burst 120. */
  total: Bucket;
  /** Per kind. Defaults: movement 30/s burst 60 (clients send 20/s), chat 2/s burst 6, voice 5/s burst 10, other 5/s burst 15. */
  kinds: Record<MessageKind, Bucket>;
  /** Actions that make an agent think (talk, a task given to an agent, an answer) per person per minute. Default 20. */
  llmActionsPerMinute: number;
  /** Refusals for limits (rate, size) tolerated within strikeWindowS before a disconnect. Default 30 in 10 s. */
  strikesBeforeDisconnect: number;
  strikeWindowS: number;
}

export const DEFAULT_LIMITS: Limits = {
  total: { perSecond: 60, burst: 120 }, // default 60/s, burst 120
  kinds: {
    movement: { perSecond: 30, burst: 60 }, // default 30/s, burst 60
    chat: { perSecond: 2, burst: 6 }, // default 2/s, burst 6
    voice: { perSecond: 5, burst: 10 }, // default 5/s, burst 10
    other: { perSecond: 5, burst: 15 }, // default 5/s, burst 15
  },
  llmActionsPerMinute: 20, // default 20
  strikesBeforeDisconnect: 30, // default 30
  strikeWindowS: 10, // default 10 s
};

/** The largest WebSocket message the server reads (bytes); a bigger one closes the connection (1009). Default 32 KiB. */
export const WS_MAX_PAYLOAD_BYTES = 32 * 1024;

/** WebSocket close code for a client disconnected for persisting over its limits. */
export const CLOSE_LIMITS = 4008;
/** WebSocket close code for a person the owner removed. */
export const CLOSE_KICKED = 4003;
/** WebSocket close code sent when the server shuts down. */
export const CLOSE_SHUTDOWN = 4001;

/** Which bucket a message type draws from. */
export function kindOf(type: string): MessageKind {
  if (type === "move") return "movement";
  if (type === "talk") return "chat";
  if (type.startsWith("voice-")) return "voice";
  return "other";
}

const bucketSchema = z.strictObject({ perSecond: z.number().positive().finite(), burst: z.number().min(1).finite() });
const limitsOverrideSchema = z.strictObject({
  total: bucketSchema.optional(),
  kinds: z.strictObject({ movement: bucketSchema.optional(), chat: bucketSchema.optional(), voice: bucketSchema.optional(), other: bucketSchema.optional() }).optional(),
  llmActionsPerMinute: z.number().int().min(1).optional(),
  strikesBeforeDisconnect: z.number().int().min(1).optional(),
  strikeWindowS: z.number().positive().finite().optional(),
});

/** Reads a JSON override of the limits (ATRIUM_LIMITS): the override, or a sentence saying what is wrong. */
export function parseLimitsOverride(json: string): Partial<Limits> | string {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return `not JSON: ${json.slice(0, 80)}`;
  }
  const parsed = limitsOverrideSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ");
  const { kinds, ...rest } = parsed.data;
  const out: Partial<Limits> = { ...(rest as Partial<Limits>) };
  if (kinds) out.kinds = { ...DEFAULT_LIMITS.kinds, ...(kinds as Partial<Limits["kinds"]>) };
  return out;
}

/** Merges overrides into the defaults (one level deep for `kinds`). */
export function limitsWith(overrides: Partial<Limits> | undefined): Limits {
  if (!overrides) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, ...overrides, kinds: { ...DEFAULT_LIMITS.kinds, ...overrides.kinds } };
}

class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly spec: Bucket,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.at = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.at) / 1000) * this.spec.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type LimitVerdict = { ok: true } | { ok: false; message: string; disconnect: boolean };

/** One client's buckets and strikes. `now` is monotonic milliseconds (performance.now()). */
export class ClientLimiter {
  private readonly total: TokenBucket;
  private readonly kinds = new Map<MessageKind, TokenBucket>();
  private strikes: number[] = [];

  constructor(
    private readonly limits: Limits,
    now: number,
  ) {
    this.total = new TokenBucket(limits.total, now);
  }

  /** Takes one message of `type` from the buckets. */
  admit(type: string, now: number): LimitVerdict {
    const kind = kindOf(type);
    let bucket = this.kinds.get(kind);
    if (!bucket) this.kinds.set(kind, (bucket = new TokenBucket(this.limits.kinds[kind], now)));
    const totalOk = this.total.take(now);
    if (totalOk && bucket.take(now)) return { ok: true };
    const spec = totalOk ? this.limits.kinds[kind] : this.limits.total;
    const what = totalOk ? `${kind} messages` : "messages";
    return this.strike(now, `too many ${what}: at most ${spec.perSecond} per second (bursts of ${spec.burst}); slow down`);
  }

  /** Counts a refusal for size or rate; the verdict says whether the client must go. */
  strike(now: number, message: string): { ok: false; message: string; disconnect: boolean } {
    const from = now - this.limits.strikeWindowS * 1000;
    this.strikes = this.strikes.filter((t) => t > from);
    this.strikes.push(now);
    return { ok: false, message, disconnect: this.strikes.length >= this.limits.strikesBeforeDisconnect };
  }
}

/**
 * Actions that make agents think, per person per minute (a sliding window). Keyed by the
 * person's invite when they have one (so a reconnect does not reset it), else their session.
 */
export class LlmActionLimiter {
  /** Per person, the times of their actions in the last minute, oldest first, from `head` on. */
  private readonly recent = new Map<string, { times: number[]; head: number }>();

  constructor(private readonly perMinute: number) {}

  /** Counts one action for `who`, or says why not (and how long to wait). Amortised O(1): expired times drop off the front. */
  take(who: string, now: number): { ok: true } | { ok: false; message: string } {
    let window = this.recent.get(who);
    if (!window) this.recent.set(who, (window = { times: [], head: 0 }));
    const from = now - 60_000;
    const { times } = window;
    while (window.head < times.length && times[window.head]! <= from) window.head++;
    if (window.head >= COMPACT_AFTER && window.head * 2 >= times.length) {
      times.splice(0, window.head);
      window.head = 0;
    }
    const count = times.length - window.head;
    if (count >= this.perMinute) {
      const waitS = Math.max(1, Math.ceil((times[window.head]! + 60_000 - now) / 1000));
      return { ok: false, message: `you have asked agents for ${count} things in the last minute (the limit is ${this.perMinute}); try again in ${waitS} s` };
    }
    times.push(now);
    return ALLOWED;
  }

  /** Drops `who`'s minute (a person without an invite left: their session id never comes back). */
  forget(who: string): void {
    this.recent.delete(who);
  }

  /** How many people it keeps a minute for (for tests). */
  get size(): number {
    return this.recent.size;
  }
}

const ALLOWED = { ok: true } as const;
/** Expired times are cut off a window's array once this many have piled up at its front (and they are at least half of it). */
const COMPACT_AFTER = 64;
