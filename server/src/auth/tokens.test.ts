import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { WorkspaceState } from "../../../shared/state";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { AuthService } from "./auth";
import { writtenAudit } from "../testing/db-count";

// ATRIUM_AUTH=token against a real server: only valid links get in. Expired, forged, revoked,
// tampered and missing tokens are refused on join and on REST, each with a sentence.

let t: TestAtrium;
beforeAll(async () => {
  t = await startTestAtrium({ name: "tokens", options: { auth: { mode: "token" } } });
});
afterAll(async () => {
  await t?.close();
});

const join = (options: Record<string, unknown>) => t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: "tok", name: "Ada", ...options });
const api = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${t.url}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json", ...(init.headers ?? {}) } });

/** A token signed the way the server signs, but with another key or claims. */
async function sign(key: string, claims: { role: string; jti: string; exp?: number }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("atrium")
    .setAudience("atrium-join")
    .setJti(claims.jti)
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 3600)
    .sign(new TextEncoder().encode(key));
}

describe("join tokens (ATRIUM_AUTH=token)", () => {
  it("refuses a join without a token, and admits a valid member link as a member", async () => {
    await expect(join({})).rejects.toThrow(/needs an invite link/);
    const { token } = await t.atrium.auth.issue({ role: "member", ttlS: 3600, createdBy: "test" });
    const room = await join({ token });
    await until("joined", () => room.state.people?.get(room.sessionId));
    expect(t.colyseus.getRoomById<WorkspaceRoom>(room.roomId).seats.get(room.sessionId)?.role).toBe("member");
    await room.leave(true);
  });

  it("refuses expired, forged, revoked, tampered, unknown and malformed tokens, on join and on REST", async () => {
    const results: Array<[string, boolean, boolean]> = [];
    const expect401 = async (what: string, token: string, message: RegExp) => {
      const joinRefused = await join({ token }).then(
        async (room) => {
          await room.leave(true);
          return false;
        },
        (err: Error) => message.test(err.message),
      );
      const res = await api("/api/tasks?workspace=tok", token);
      const body = (await res.json()) as { error?: string };
      results.push([what, joinRefused, res.status === 401 && message.test(body.error ?? "")]);
    };

    // Expired: a real invite whose time ran out (signed by the server itself).
    const expiredInvite = await t.atrium.auth.issue({ role: "member", ttlS: 1, createdBy: "test" });
    await new Promise((r) => setTimeout(r, 1100));
    await expect401("expired", expiredInvite.token, /expired/);

    // Forged: right shape and claims, wrong key.
    const realInvite = await t.atrium.auth.issue({ role: "member", ttlS: 3600, createdBy: "test" });
    const jti = (await t.atrium.auth.listInvites()).find((i) => i.role === "member" && i.revokedAt === null && Date.parse(i.expiresAt) > Date.now())!.id;
    await expect401("forged", await sign("x".repeat(48), { role: "owner", jti }), /not signed by this server/);

    // Tampered: the server's own token with its payload changed to owner.
    const [h, , s] = realInvite.token.split(".");
    const ownerPayload = Buffer.from(JSON.stringify({ role: "owner", iss: "atrium", aud: "atrium-join", jti: realInvite.invite.id, exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url");
    await expect401("tampered", `${h}.${ownerPayload}.${s}`, /not signed by this server/);

    // Revoked: valid until the owner revokes it.
    const revokeMe = await t.atrium.auth.issue({ role: "member", ttlS: 3600, createdBy: "test" });
    const ok = await join({ token: revokeMe.token });
    await ok.leave(true);
    const owner = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const del = await api(`/api/invites/${revokeMe.invite.id}`, owner.token, { method: "DELETE" });
    expect(del.status).toBe(200);
    await expect401("revoked", revokeMe.token, /revoked/);

    // Signed with the server's key but naming no invite it made (e.g. a copied secret elsewhere).
    const secret = (await t.atrium.store.db.selectFrom("settings").select("value").where("key", "=", "jwt_secret").executeTakeFirstOrThrow()).value;
    await expect401("unknown invite", await sign(secret, { role: "member", jti: "00000000-0000-0000-0000-000000000000" }), /not known/);
    await expect401("malformed", "hello", /malformed/);
    await expect401("alg none", `${Buffer.from('{"alg":"none"}').toString("base64url")}.${ownerPayload}.`, /malformed|not valid/);

    const refused = results.filter(([, j, r]) => j && r).length;
    console.log(`bad tokens refused: ${refused}/${results.length} kinds, on join and on REST (${results.map(([w, j, r]) => `${w}: join ${j ? "refused" : "ADMITTED"}, REST ${r ? "401" : "NOT 401"}`).join("; ")})`);
    expect(results.map(([w, j, r]) => [w, j, r])).toEqual(results.map(([w]) => [w, true, true]));
    expect(results).toHaveLength(7);
  });

  it("refuses REST without a token in token mode, except the public health checks", async () => {
    expect((await api("/api/tasks")).status).toBe(401);
    expect((await api("/healthz")).status).toBe(200);
    expect((await api("/readyz")).status).toBe(200);
  });

  it("lets the owner make, list and revoke invites, with the link, role and expiry; bad input is 400", async () => {
    const { token } = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const made = await api("/api/invites", token, { method: "POST", body: JSON.stringify({ role: "spectator", ttlS: 600, label: "demo screen" }) });
    expect(made.status).toBe(201);
    const body = (await made.json()) as { invite: { id: string; role: string; expiresAt: string; label: string }; token: string; link: string };
    expect(body.invite).toMatchObject({ role: "spectator", label: "demo screen" });
    expect(Date.parse(body.invite.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(body.link).toMatch(new RegExp(`^${t.url}/\\?token=`));
    const spectator = await join({ token: body.token });
    const server = t.colyseus.getRoomById<WorkspaceRoom>(spectator.roomId);
    await until("seat", () => server.seats.get(spectator.sessionId));
    expect(server.seats.get(spectator.sessionId)?.role).toBe("spectator");
    expect(server.state.people.has(spectator.sessionId)).toBe(false);
    await spectator.leave(true);
    // A spectator link cannot be raised to member.
    await expect(join({ token: body.token, role: "member" })).rejects.toThrow(/does not allow joining as member/);

    const list = (await (await api("/api/invites", token)).json()) as { invites: Array<{ id: string }> };
    expect(list.invites.some((i) => i.id === body.invite.id)).toBe(true);
    for (const bad of [{ role: "owner" }, { role: "member", ttlS: 10 }, { role: "member", extra: 1 }, { role: "member", ttlS: 1e12 }]) {
      const res = await api("/api/invites", token, { method: "POST", body: JSON.stringify(bad) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^bad invite: /);
    }
    expect((await api("/api/invites/not-a-uuid", token, { method: "DELETE" })).status).toBe(400);
    expect((await api("/api/invites/00000000-0000-0000-0000-000000000000", token, { method: "DELETE" })).status).toBe(404);
    const audit = (await writtenAudit(t.atrium.store, 200)).map((r) => r.kind);
    expect(audit).toContain("invite-created");
    expect(audit).toContain("invite-revoked");
  });

  it("keeps the generated secret in the database: tokens survive a new AuthService on the same store", async () => {
    const { token } = await t.atrium.auth.issue({ role: "member", ttlS: 3600, createdBy: "test" });
    const again = await AuthService.open(t.atrium.store, { mode: "token" });
    expect(again.secretGenerated).toBe(true);
    await expect(again.verify(token)).resolves.toMatchObject({ role: "member" });
    // A configured ATRIUM_SECRET replaces it: old links stop working.
    const other = await AuthService.open(t.atrium.store, { mode: "token", secret: "y".repeat(40) });
    await expect(other.verify(token)).rejects.toThrow(/not signed by this server/);
  });
});
