export interface BudgetCaps {
  /** Hard cap per agent within one workspace (USD); null for none. */
  perAgentUsd: number | null;
  /** Hard cap per workspace, all its agents together (USD); null for none. */
  perWorkspaceUsd: number | null;
}

export const NO_CAPS: BudgetCaps = { perAgentUsd: null, perWorkspaceUsd: null };

/**
 * Money spent on LLM calls, per agent (within a workspace) and per workspace, against hard caps.
 * It lives in memory: seed it from the database at start-up with `record()`. A call is refused
 * once a cap is reached; a call already running may overshoot the cap by its own cost.
 */
export class BudgetLedger {
  private readonly agents = new Map<string, number>();
  private readonly workspaces = new Map<string, number>();
  /** Per-agent budgets the owner set in a workspace (USD), overriding the roster's budget.usd. */
  private readonly agentCaps = new Map<string, number>();

  constructor(readonly caps: BudgetCaps = NO_CAPS) {}

  /** Sets (or, with null, clears) the owner's budget for one agent in one workspace. */
  setAgentCap(agentId: string, workspace: string, usd: number | null): void {
    if (usd === null) this.agentCaps.delete(agentKey(agentId, workspace));
    else if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`a budget must be a finite, non-negative amount, got ${usd}`);
    else this.agentCaps.set(agentKey(agentId, workspace), usd);
  }

  /** The owner's budget for this agent in this workspace, or undefined (the roster's applies). */
  agentCap(agentId: string, workspace: string): number | undefined {
    return this.agentCaps.get(agentKey(agentId, workspace));
  }

  /** Adds spend (USD). Negative or non-finite amounts are a bug and throw. */
  record(agentId: string, workspace: string, usd: number): void {
    if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`spend must be a finite, non-negative amount, got ${usd}`);
    if (usd === 0) return;
    const key = agentKey(agentId, workspace);
    this.agents.set(key, (this.agents.get(key) ?? 0) + usd);
    this.workspaces.set(workspace, (this.workspaces.get(workspace) ?? 0) + usd);
  }

  spent(agentId: string, workspace: string): { agentUsd: number; workspaceUsd: number } {
    return { agentUsd: this.agents.get(agentKey(agentId, workspace)) ?? 0, workspaceUsd: this.workspaces.get(workspace) ?? 0 };
  }

  /** What this agent may still spend: the smaller of its own and its workspace's remainder (Infinity without caps). */
  remaining(agentId: string, workspace: string): number {
    const { agentUsd, workspaceUsd } = this.spent(agentId, workspace);
    const agentLeft = this.caps.perAgentUsd === null ? Infinity : this.caps.perAgentUsd - agentUsd;
    const workspaceLeft = this.caps.perWorkspaceUsd === null ? Infinity : this.caps.perWorkspaceUsd - workspaceUsd;
    return Math.max(0, Math.min(agentLeft, workspaceLeft));
  }

  /** Why a new call must be refused, or null when it may go ahead. */
  refusal(agentId: string, workspace: string): string | null {
    const { agentUsd, workspaceUsd } = this.spent(agentId, workspace);
    if (this.caps.perWorkspaceUsd !== null && workspaceUsd >= this.caps.perWorkspaceUsd) {
      return `workspace "${workspace}" has spent $${usd(workspaceUsd)} of its $${usd(this.caps.perWorkspaceUsd)} LLM budget`;
    }
    if (this.caps.perAgentUsd !== null && agentUsd >= this.caps.perAgentUsd) {
      return `agent "${agentId}" has spent $${usd(agentUsd)} of its $${usd(this.caps.perAgentUsd)} LLM budget in workspace "${workspace}"`;
    }
    return null;
  }
}

function agentKey(agentId: string, workspace: string): string {
  return `${workspace}\u0000${agentId}`;
}

function usd(amount: number): string {
  return amount.toFixed(amount < 1 ? 4 : 2);
}
