import type { Client } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../auth/limits";
import { createLogger } from "../logger";
import type { Store } from "../store/store";
import { ClientGate } from "./client-gate";

// The gate's bookkeeping of who asked agents for what: nothing of it may outlive a session that
// cannot come back. (No refusal is tested here, so the store is never reached.)
const gate = () => new ClientGate({ workspace: "gate-test", limits: DEFAULT_LIMITS, store: {} as Store, log: createLogger("silent") });
const client = (sessionId: string) => ({ sessionId }) as Client;

describe("ClientGate's agent-action allowance", () => {
  it("forgets a person without an invite when they leave, and keeps an invite's minute for their next visit", () => {
    const g = gate();
    const open = client("open-session");
    const invited = client("invited-session");
    g.seat(open, { role: "member", inviteId: null }, "Ann");
    g.seat(invited, { role: "member", inviteId: "invite-1" }, "Bo");
    expect(g.allowLlmAction(open, "talk")).toBe(true);
    expect(g.allowLlmAction(invited, "talk")).toBe(true);
    expect(g.llmActionsTracked).toBe(2);

    g.unseat(open.sessionId);
    expect(g.llmActionsTracked).toBe(1);
    g.unseat(invited.sessionId);
    expect(g.llmActionsTracked).toBe(1); // a rejoin with the same invite must not reset it
  });
});
