import type { Client } from "@colyseus/core";
import { NoticeMessage, type NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { KickPayload, MutePayload } from "../../../shared/protocol/moderation-schemas";
import type { WorkspaceState } from "../../../shared/state";
import type { AuthService } from "../auth/auth";
import { CLOSE_KICKED } from "../auth/limits";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import { auditLater } from "../audit-later";
import type { ClientGate, Seat } from "./client-gate";

export interface PersonModerationDeps {
  workspace: string;
  gate: ClientGate;
  auth: AuthService;
  store: Store;
  log: Logger;
  state: WorkspaceState;
  client: (sessionId: string) => Client | undefined;
  broadcast: (type: string, payload: unknown) => void;
}

/**
 * The owner's moderation of people (owner only: server/src/auth/policy.ts): mute, unmute and
 * kick, optionally revoking the invite behind the person's token. Each is audited and announced
 * to the room; the person concerned is told directly.
 */
export class PersonModeration {
  constructor(private readonly deps: PersonModerationDeps) {}

  mute(client: Client, { personId, minutes }: MutePayload) {
    const found = this.target(client, "mute", personId);
    if (!found) return;
    found.seat.mutedUntil = minutes === undefined ? Infinity : Date.now() + minutes * 60_000;
    const span = minutes === undefined ? "until unmuted" : `for ${minutes} min`;
    if (found.target) this.deps.gate.notice(found.target, { kind: "muted", message: `The owner muted you ${span}: you cannot talk to agents.` });
    this.announce(client, "mute", personId, `${found.seat.name} was muted ${span}.`, { minutes: minutes ?? null });
  }

  unmute(client: Client, { personId }: { personId: string }) {
    const found = this.target(client, "unmute", personId);
    if (!found) return;
    found.seat.mutedUntil = 0;
    if (found.target) this.deps.gate.notice(found.target, { kind: "unmuted", message: "The owner unmuted you." });
    this.announce(client, "unmute", personId, `${found.seat.name} may talk again.`);
  }

  async kick(client: Client, { personId, reason, revoke }: KickPayload) {
    const { gate, auth, state } = this.deps;
    const found = this.target(client, "kick", personId);
    if (!found) return;
    let revoked: string | null = null;
    if (revoke && found.seat.inviteId) {
      // Revoked first: when the write fails the owner hears why, and the person stays.
      const inviteId = found.seat.inviteId;
      await auth.revoke(inviteId, gate.seats.get(client.sessionId)?.inviteId ?? client.sessionId);
      revoked = inviteId;
    }
    this.announce(client, "kick", personId, `${found.seat.name} was removed by the owner.`, { reason: reason ?? null, revokedInvite: revoked });
    if (found.target) {
      gate.notice(found.target, { kind: "kicked", message: `The owner removed you from the workspace${reason ? `: ${reason}` : "."}` });
      gate.removeNow(found.target, CLOSE_KICKED);
    } else {
      // Dropped and waiting to reconnect: free the seat now.
      gate.expelAbsent(personId);
      state.people.delete(personId);
    }
  }

  /** Audits an owner's action (on a person or an agent) and tells the whole room. */
  announce(client: Client, action: string, target: string, message: string, data: Record<string, unknown> = {}) {
    const { workspace, store, log } = this.deps;
    auditLater(store, { workspace, actor: client.sessionId, kind: `moderation-${action}`, data: { target, ...data } }, log);
    log.info({ workspace, session: client.sessionId, action, target }, "moderation");
    this.deps.broadcast(NoticeMessage.Notice, { kind: "moderation", action, target, message } satisfies NoticePayload);
  }

  /** The seat (and its client) of a person the owner names, or null after telling the owner there is none. */
  private target(client: Client, type: string, personId: string): { seat: Seat; target: Client | undefined } | null {
    const seat = this.deps.gate.seats.get(personId);
    if (!seat) {
      this.deps.gate.reject(client, { code: "unknown_person", rejected: type, message: `there is no person "${personId}" here` });
      return null;
    }
    if (personId === client.sessionId) {
      this.deps.gate.reject(client, { code: "not_allowed", rejected: type, message: "you cannot do that to yourself" });
      return null;
    }
    return { seat, target: this.deps.client(personId) };
  }
}
