import type { Client } from "@colyseus/core";
import type { z } from "zod";
import { ServerMessage, type ErrorPayload } from "../../../shared/protocol/messages";
import { NoticeMessage, type NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { Role } from "../../../shared/roles";
import { clientMessageQuickChecks, joinOptionsSchema } from "../../../shared/protocol/schemas";
import { AuthError, type AuthService, type Identity } from "../auth/auth";
import { maySend, policedMessageTypes } from "../auth/policy";
import { CLOSE_LIMITS, ClientLimiter, LlmActionLimiter, type Limits } from "../auth/limits";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import { auditLater } from "../audit-later";
import { describeIssues } from "../world/load-world";

/** Messages a muted person may not send. */
const MUTED_TYPES: ReadonlySet<string> = new Set(["talk", "voice-barge-in"]);

/** Everyone in the room, people and spectators alike, by session id. Kept through a reconnection. */
export interface Seat {
  role: Role;
  name: string;
  /** The invite behind their token, or null (open mode). */
  inviteId: string | null;
  /** Muted by the owner: until this time (ms since the epoch), or Infinity; 0 when not muted. */
  mutedUntil: number;
  /** Their message buckets and strikes. */
  limiter: ClientLimiter;
}

export interface ClientGateDeps {
  workspace: string;
  limits: Limits;
  store: Store;
  log: Logger;
}

/**
 * The door every client message goes through, and the seats behind it: who is in the room as
 * which role, their rate limits and strikes, their mute, and who has been expelled (removed by
 * the owner or for their limits, so their drop is final). A refusal changes nothing and answers
 * one "error"; a client that keeps breaking its limits is told why and disconnected.
 */
export class ClientGate {
  /** Role and name of every client, spectators included (spectators have no Person). */
  readonly seats = new Map<string, Seat>();
  /** Sessions removed by the owner or for their limits: their drop is final, not a reconnection. */
  private readonly expelled = new Set<string>();
  /** Actions that make agents think, per person per minute. */
  private readonly llmActions: LlmActionLimiter;

  constructor(private readonly deps: ClientGateDeps) {
    this.llmActions = new LlmActionLimiter(deps.limits.llmActionsPerMinute);
  }

  seat(client: Client, identity: { role: Role; inviteId: string | null }, name: string): Seat {
    const seat: Seat = { role: identity.role, name, inviteId: identity.inviteId, mutedUntil: 0, limiter: new ClientLimiter(this.deps.limits, performance.now()) };
    this.seats.set(client.sessionId, seat);
    return seat;
  }

  /** Checks the join token (or open mode) before the seat is given; refuses with a sentence (and audits it). */
  async identify(rawOptions: unknown, auth: AuthService, draining: boolean): Promise<Identity> {
    if (draining) throw new Error("cannot join: the server is shutting down; try again in a moment");
    const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw new Error(`cannot join: ${describeIssues(parsed.error).join("; ")}`);
    try {
      return await auth.identify(parsed.data.token, parsed.data.role);
    } catch (err) {
      if (err instanceof AuthError) {
        auditLater(this.deps.store, { workspace: this.deps.workspace, actor: "anonymous", kind: "join-refused", data: { reason: err.reason, role: parsed.data.role ?? null } }, this.deps.log);
        throw new Error(`cannot join: ${err.message}`);
      }
      throw err;
    }
  }

  /** Frees the seat (the client has left). Returns it, if there was one. */
  unseat(sessionId: string): Seat | undefined {
    const seat = this.seats.get(sessionId);
    this.seats.delete(sessionId);
    this.expelled.delete(sessionId);
    // An invite's minute outlasts the seat (a rejoin must not reset it); a session's is done with.
    if (seat && seat.inviteId === null) this.llmActions.forget(sessionId);
    return seat;
  }

  /** How many people's agent-action minutes are kept (for tests). */
  get llmActionsTracked(): number {
    return this.llmActions.size;
  }

  /** True when the session was removed for good: its drop must not hold a place for a reconnection. */
  isExpelled(sessionId: string): boolean {
    return this.expelled.has(sessionId);
  }

  /**
   * Every handled message, in order: the sender's rate limits (server/src/auth/limits.ts), the
   * access policy (the sender's role must be allowed this type: server/src/auth/policy.ts), a
   * mute, then the message's zod schema (or its quick check, clientMessageQuickChecks, where
   * that passes). The parsed payload, or null after refusing it.
   */
  pass<S extends z.ZodType>(client: Client, type: string, raw: unknown, schema: S): { value: z.output<S> } | null {
    if (!this.admit(client, type)) return null;
    const seat = this.seats.get(client.sessionId);
    if (!seat || !maySend(seat.role, type)) {
      this.reject(client, { code: "forbidden", rejected: type, message: `a ${seat?.role ?? "visitor"} may not send "${type}"` });
      return null;
    }
    if (MUTED_TYPES.has(type) && this.isMuted(seat)) {
      this.reject(client, { code: "muted", rejected: type, message: "the owner has muted you: you cannot talk to agents for now" });
      return null;
    }
    if (clientMessageQuickChecks[type]?.(raw)) return { value: raw as z.output<S> };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.reject(client, { code: "invalid_message", rejected: type, message: describeIssues(parsed.error).join("; ") });
      return null;
    }
    return { value: parsed.data };
  }

  /** A message type no handler takes: "forbidden" when the policy names it but not for this role, else "unknown_message". */
  refuseUnhandled(client: Client, type: string) {
    if (!this.admit(client, type)) return;
    const role = this.seats.get(client.sessionId)?.role;
    if (role && !maySend(role, type) && policedMessageTypes().includes(type)) {
      this.reject(client, { code: "forbidden", rejected: type, message: `a ${role} may not send "${type}"` });
      return;
    }
    this.reject(client, { code: "unknown_message", rejected: type, message: `unknown message type "${type}"` });
  }

  /** True while the owner's mute holds (an expired mute is lifted here). */
  isMuted(seat: Seat): boolean {
    if (seat.mutedUntil === 0) return false;
    if (seat.mutedUntil !== Infinity && Date.now() >= seat.mutedUntil) {
      seat.mutedUntil = 0;
      return false;
    }
    return true;
  }

  /**
   * Counts an action that makes an agent think (it may cost an LLM call) against the person's
   * per-minute allowance. False (and an error sent) when over it.
   */
  allowLlmAction(client: Client, type: string): boolean {
    const seat = this.seats.get(client.sessionId);
    if (!seat) return false;
    const verdict = this.llmActions.take(seat.inviteId ?? client.sessionId, performance.now());
    if (verdict.ok) return true;
    const strike = seat.limiter.strike(performance.now(), verdict.message);
    this.overLimit(client, type, verdict.message, strike.disconnect);
    return false;
  }

  reject(client: Client, error: ErrorPayload) {
    client.send(ServerMessage.Error, error);
    this.deps.log.debug({ workspace: this.deps.workspace, session: client.sessionId, ...error }, "message rejected");
  }

  notice(client: Client, payload: NoticePayload) {
    client.send(NoticeMessage.Notice, payload);
  }

  /** Frees the seat for good (no reconnection) and closes the connection. */
  removeNow(client: Client, code: number) {
    this.expelled.add(client.sessionId);
    client.leave(code);
  }

  /** Frees the seat of someone who dropped and waits to reconnect: they will not get it back. */
  expelAbsent(sessionId: string) {
    this.expelled.add(sessionId);
    this.seats.delete(sessionId);
  }

  /**
   * Takes one message from the client's buckets. Over a limit: a "rate_limited" error; a
   * client that keeps going is told why and disconnected. False when the message is refused.
   */
  private admit(client: Client, type: string): boolean {
    const seat = this.seats.get(client.sessionId);
    // Not (or no longer) in the room, or on the way out: nothing more is read from them.
    if (!seat || this.expelled.has(client.sessionId)) return false;
    const verdict = seat.limiter.admit(type, performance.now());
    if (verdict.ok) return true;
    this.overLimit(client, type, verdict.message, verdict.disconnect);
    return false;
  }

  private overLimit(client: Client, type: string, message: string, disconnect: boolean) {
    if (!disconnect) {
      this.reject(client, { code: "rate_limited", rejected: type, message });
      return;
    }
    const seat = this.seats.get(client.sessionId);
    if (!seat) return;
    const { workspace, store, log } = this.deps;
    log.warn({ workspace, session: client.sessionId, role: seat.role, type }, "client disconnected for persisting over its limits");
    auditLater(store, { workspace, actor: client.sessionId, kind: "limits-disconnect", data: { type, message } }, log);
    this.notice(client, { kind: "limits", message: `Disconnected: ${message}, again and again.` });
    this.removeNow(client, CLOSE_LIMITS);
  }
}
