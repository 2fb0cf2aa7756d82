import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, textReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { WORKSPACE_ROOM } from "../../../shared/constants";
import type { NoticePayload } from "../../../shared/protocol/moderation-messages";
import type { WorkspaceState } from "../../../shared/state";
import { startTestAtrium, until, type TestAtrium } from "../testing/harness";
import type { WorkspaceRoom } from "../rooms/workspace-room";
import { writtenAudit } from "../testing/db-count";

// The owner's budget change, with a real (fake) LLM upstream: an agent paused by its budget
// resumes when the owner raises it above its spend, and the new budget is kept in the database.

let fake: FakeOpenAI;
let t: TestAtrium;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.setDefault(textReply("On it."));
  t = await startTestAtrium({ name: "budget", options: { env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-budget-test-0123456789" } } });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe("agent budgets", () => {
  it("a budget-paused agent resumes when the owner raises its budget, and not before", async () => {
    const ws = "budget";
    const { token } = await t.atrium.auth.issue({ role: "owner", ttlS: 3600, createdBy: "test" });
    const owner = await t.colyseus.sdk.joinOrCreate<WorkspaceState>(WORKSPACE_ROOM, { workspace: ws, name: "Olga", token });
    const notices: NoticePayload[] = [];
    owner.onMessage("notice", (n: NoticePayload) => notices.push(n));
    owner.onMessage("*", () => undefined);
    await until("agents", () => owner.state.agents?.size > 0);
    const server = t.colyseus.getRoomById<WorkspaceRoom>(owner.roomId);
    const agentId = [...server.state.agents.keys()][0]!;
    const roster = server.runtime.agents.get(agentId)!.config.budget.usd;
    // It has spent its whole roster budget (but stays under config/llm.yaml's ceiling, $2 per
    // agent, which the owner cannot lift): the next event pauses it without calling the model.
    const spent = roster + 0.1;
    expect(spent).toBeLessThan(t.atrium.broker!.ledger.caps.perAgentUsd ?? Infinity);
    t.atrium.broker!.ledger.record(agentId, ws, spent);
    const before = fake.requests.length;
    owner.send("talk", { agentId, text: "please summarise" });
    await until("paused by budget", () => server.state.agents.get(agentId)?.state === "paused" && /budget/.test(server.state.agents.get(agentId)!.reason), 5000);
    expect(fake.requests.length).toBe(before);

    // A raise that stays below the spend keeps it paused.
    owner.send("agent-budget", { agentId, usd: roster + 0.05 });
    await until("first change announced", () => notices.filter((n) => n.action === "agent-budget").length === 1);
    expect(server.state.agents.get(agentId)!.state).toBe("paused");
    // Above the spend: it resumes and takes its mail to the model.
    owner.send("talk", { agentId, text: "and now?" });
    owner.send("agent-budget", { agentId, usd: roster + 5 });
    await until("resumed and calling the model", () => fake.requests.length > before, 10_000);
    expect(notices.at(-1)!.message).toMatch(/working again/);
    expect(t.atrium.broker!.ledger.agentCap(agentId, ws)).toBe(roster + 5);
    const row = await t.atrium.store.db.selectFrom("settings").select("value").where("key", "=", `budget/${ws}/${agentId}`).executeTakeFirstOrThrow();
    expect(Number(row.value)).toBe(roster + 5);
    const audit = (await writtenAudit(t.atrium.store, 50)).filter((r) => r.kind === "moderation-agent-budget");
    expect(audit.map((r) => r.data.resumed)).toEqual([true, false]);
    console.log(`budget: paused at $${spent.toFixed(2)} spent of $${roster.toFixed(2)}; raised to $${(roster + 0.05).toFixed(2)} stayed paused; raised to $${(roster + 5).toFixed(2)} resumed and called the model`);
    await owner.leave(true);
  });
});
