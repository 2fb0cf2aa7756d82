import crypto from "node:crypto";
import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { ROLE_RANK, isRole, type Role } from "../../../shared/roles";
import type { Logger } from "../logger";
import type { Store } from "../store/store";

/**
 * Who may join, and as what. Join tokens are JWTs (HS256) signed with ATRIUM_SECRET, or with a
 * secret generated on first run and kept in the database (settings table). Every token names an
 * invite row (its `jti`): the owner link printed at start and the invite links the owner makes.
 * A token is good while its signature checks, it has not expired and its invite is not revoked.
 *
 * ATRIUM_AUTH=open lets anyone without a token join as a member (or a spectator when asked);
 * ATRIUM_AUTH=token requires a valid token. In both modes a token that is given must be valid,
 * and only a token can make someone the owner.
 */

/** How long the owner link printed at start stays valid (s). Default 30 days. */
export const OWNER_LINK_TTL_S = 30 * 24 * 3600;
/** Invite links: default and longest lifetime (s). Defaults 7 days and 90 days. */
export const INVITE_TTL_DEFAULT_S = 7 * 24 * 3600;
export const INVITE_TTL_MAX_S = 90 * 24 * 3600;
/** Shortest ATRIUM_SECRET accepted (characters). Default 32. */
export const SECRET_MIN_LENGTH = 32;
/** Longest token accepted before any parsing (characters). Default 2048. */
export const TOKEN_MAX_LENGTH = 2048;

const ISSUER = "atrium";
const AUDIENCE = "atrium-join";
const SECRET_SETTING = "jwt_secret";

export type AuthMode = "open" | "token";

export interface Identity {
  role: Role;
  /** The invite behind the token, or null when admitted by open mode without one. */
  inviteId: string | null;
  /** How they got in: "token" or "open". */
  via: "token" | "open";
}

export interface InviteRow {
  id: string;
  role: Role;
  label: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** A refused token or join, with a sentence a person can read. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly reason: "missing" | "malformed" | "forged" | "expired" | "revoked" | "unknown" | "role",
  ) {
    super(message);
  }
}

export interface AuthOptions {
  mode: AuthMode;
  /** ATRIUM_SECRET; when absent one is generated once and stored in the database. */
  secret?: string;
}

export class AuthService {
  readonly mode: AuthMode;
  private readonly key: Uint8Array;

  private constructor(
    private readonly store: Store,
    mode: AuthMode,
    secret: string,
    /** True when the secret came from the database rather than ATRIUM_SECRET. */
    readonly secretGenerated: boolean,
  ) {
    this.mode = mode;
    this.key = new TextEncoder().encode(secret);
  }

  /** The auth service of a store: ATRIUM_SECRET, or the secret kept in the database (made on first run). */
  static async open(store: Store, options: AuthOptions, log?: Logger): Promise<AuthService> {
    if (options.secret) return new AuthService(store, options.mode, options.secret, false);
    const stored = async () =>
      (await store.db.selectFrom("settings").select("value").where("key", "=", SECRET_SETTING).executeTakeFirst())?.value;
    let secret = await stored();
    if (!secret) {
      await store.db
        .insertInto("settings")
        .values({ key: SECRET_SETTING, value: crypto.randomBytes(48).toString("base64url") })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      // Another process may have won the race: read back what is stored.
      secret = await stored();
      if (!secret) throw new Error("the join-token secret could not be stored in the database");
      log?.info("generated a join-token secret and stored it in the database");
    }
    return new AuthService(store, options.mode, secret, true);
  }

  /** Makes an invite row and its signed token. */
  async issue(input: { role: Role; ttlS: number; label?: string; createdBy: string }): Promise<{ invite: InviteRow; token: string }> {
    const now = Date.now();
    const id = crypto.randomUUID();
    const expires = now + input.ttlS * 1000;
    const invite: InviteRow = {
      id,
      role: input.role,
      label: input.label ?? "",
      createdBy: input.createdBy,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(expires).toISOString(),
      revokedAt: null,
      revokedBy: null,
    };
    await this.store.db
      .insertInto("invites")
      .values({ id: invite.id, role: invite.role, label: invite.label, created_by: invite.createdBy, created_at: invite.createdAt, expires_at: invite.expiresAt })
      .execute();
    const token = await new SignJWT({ role: input.role })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(id)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expires / 1000))
      .sign(this.key);
    await this.store.audit({ workspace: "*", actor: input.createdBy, kind: "invite-created", data: { invite: id, role: input.role, label: invite.label, expiresAt: invite.expiresAt } });
    return { invite, token };
  }

  /** Checks a token: signature, expiry and revocation. Throws AuthError. */
  async verify(token: string): Promise<Identity> {
    if (token.length > TOKEN_MAX_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw new AuthError("the join token is malformed", "malformed");
    }
    let payload: { role?: unknown; jti?: unknown };
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AuthError("the join link has expired: ask the owner for a new one", "expired");
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new AuthError("the join token is not signed by this server", "forged");
      throw new AuthError("the join token is not valid", "malformed");
    }
    const role = payload.role;
    const jti = payload.jti;
    if (!isRole(role) || typeof jti !== "string") throw new AuthError("the join token is not valid", "malformed");
    const invite = await this.invite(jti);
    if (!invite || invite.role !== role) throw new AuthError("the join link is not known to this server", "unknown");
    if (invite.revokedAt !== null) throw new AuthError("the join link was revoked by the owner", "revoked");
    if (Date.parse(invite.expiresAt) <= Date.now()) throw new AuthError("the join link has expired: ask the owner for a new one", "expired");
    return { role, inviteId: jti, via: "token" };
  }

  /**
   * The identity of a join or a request: from its token when there is one (which must be
   * valid), else open mode's member. `requested` may lower the role (an owner can watch as a
   * spectator) but never raise it.
   */
  async identify(token: string | undefined | null, requested?: Role): Promise<Identity> {
    let identity: Identity;
    if (token) identity = await this.verify(token);
    else if (this.mode === "open") identity = { role: "member", inviteId: null, via: "open" };
    else throw new AuthError("this workspace needs an invite link (ATRIUM_AUTH=token): open the link the owner gave you", "missing");
    if (requested && requested !== identity.role) {
      if (ROLE_RANK[requested] > ROLE_RANK[identity.role]) {
        throw new AuthError(
          requested === "owner" ? "joining as the owner needs the owner link printed when the server started" : `this link does not allow joining as ${requested}`,
          "role",
        );
      }
      identity = { ...identity, role: requested };
    }
    return identity;
  }

  async invite(id: string): Promise<InviteRow | null> {
    const row = await this.store.db.selectFrom("invites").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? fromDb(row) : null;
  }

  /** Newest first. */
  async listInvites(limit = 200): Promise<InviteRow[]> {
    return (await this.store.db.selectFrom("invites").selectAll().orderBy("created_at", "desc").limit(limit).execute()).map(fromDb);
  }

  /** Revokes an invite; null when there is no such invite. Revoking twice keeps the first time. */
  async revoke(id: string, by: string): Promise<InviteRow | null> {
    const at = new Date().toISOString();
    const result = await this.store.db
      .updateTable("invites")
      .set({ revoked_at: at, revoked_by: by })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    const invite = await this.invite(id);
    if (invite && result.numUpdatedRows > 0n) await this.store.audit({ workspace: "*", actor: by, kind: "invite-revoked", data: { invite: id, role: invite.role } });
    return invite;
  }
}

interface DbInvite {
  id: string;
  role: string;
  label: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

function fromDb(r: DbInvite): InviteRow {
  return { id: r.id, role: r.role as Role, label: r.label, createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by };
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
