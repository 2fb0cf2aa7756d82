import type { AgentRuntime, LiveAgent } from "../agents/runtime";
import type { BudgetLedger } from "../llm/budget-ledger";
import type { Store } from "../store/store";
import type { Refusal } from "./task-intents";

export interface AgentModerationDeps {
  workspace: string;
  runtime: AgentRuntime;
  store: Store;
  /** The LLM spend ledger; null with the offline planner (nothing to budget). */
  ledger: BudgetLedger | null;
}

/** What an accepted moderation did: the sentence everyone is told, and what the audit keeps. */
export interface Moderated {
  message: string;
  data?: Record<string, unknown>;
}

/** Where an owner's budget for an agent in a workspace is kept (settings table). */
function budgetKey(workspace: string, agentId: string): string {
  return `budget/${workspace}/${agentId}`;
}

/**
 * The owner's control over agents: pause, resume and budgets. Owner-only is enforced by the
 * access policy before these run; the room audits and announces what they return. Budget
 * changes are kept in the settings table, so they survive restarts (`loadBudgets`).
 */
export class AgentModeration {
  constructor(private readonly deps: AgentModerationDeps) {}

  private agent(agentId: string): LiveAgent | Refusal {
    return this.deps.runtime.agents.get(agentId) ?? { code: "unknown_agent", message: `there is no agent "${agentId}" here` };
  }

  pause(agentId: string): Moderated | Refusal {
    const agent = this.agent(agentId);
    if ("code" in agent) return agent;
    // Stop what it is doing now (an LLM stream is aborted and recorded), then hold it.
    this.deps.runtime.free(agent, "paused by the owner", null);
    this.deps.runtime.setState(agent, "paused", "paused by the owner");
    return { message: `${agent.config.name} was paused by the owner.` };
  }

  resume(agentId: string): Moderated | Refusal {
    const agent = this.agent(agentId);
    if ("code" in agent) return agent;
    if (agent.view.state !== "paused") return { code: "not_allowed", message: `${agent.config.name} is not paused (it is ${agent.view.state})` };
    this.deps.runtime.setState(agent, "idle", "resumed by the owner");
    return { message: `${agent.config.name} was resumed by the owner.` };
  }

  async setBudget(agentId: string, usd: number): Promise<Moderated | Refusal> {
    const { workspace, ledger, store, runtime } = this.deps;
    const agent = this.agent(agentId);
    if ("code" in agent) return agent;
    if (!ledger) return { code: "not_allowed", message: "no LLM is configured: the offline planner spends nothing, so there is no budget to change" };
    const before = ledger.agentCap(agentId, workspace) ?? agent.config.budget.usd;
    // Saved first: a write that fails changes nothing (the caller answers the owner with the error).
    await store.db
      .insertInto("settings")
      .values({ key: budgetKey(workspace, agentId), value: String(usd) })
      .onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
      .execute();
    ledger.setAgentCap(agentId, workspace, usd);
    // An agent that stopped for its budget takes up its work again once the new budget allows.
    const spent = ledger.spent(agentId, workspace).agentUsd;
    let resumed = false;
    if (agent.view.state === "paused" && /budget/.test(agent.view.reason) && spent < usd) {
      runtime.setState(agent, "idle", `budget raised to $${usd.toFixed(2)}`);
      resumed = true;
    }
    return {
      message: `${agent.config.name}'s budget is now $${usd.toFixed(2)}${resumed ? "; it is working again" : ""}.`,
      data: { fromUsd: before, toUsd: usd, spentUsd: spent, resumed },
    };
  }

  /** Applies the owner's saved budget changes for this workspace's agents to the ledger. */
  async loadBudgets(): Promise<void> {
    const { workspace, ledger, store, runtime } = this.deps;
    if (!ledger) return;
    const prefix = budgetKey(workspace, "");
    const rows = await store.db.selectFrom("settings").select(["key", "value"]).where("key", "like", `${prefix}%`).execute();
    for (const row of rows) {
      const agentId = row.key.slice(prefix.length);
      const usd = Number(row.value);
      if (runtime.agents.has(agentId) && Number.isFinite(usd)) ledger.setAgentCap(agentId, workspace, usd);
    }
  }
}
