import type Database from "better-sqlite3";
import { checkLimit, llmCallResult, required, toLlmCall, type Row } from "./work-rows";
import { StoreInputError, type LlmCall, type NewLlmCall } from "./work-types";

export const LLM_CALL_LIST_LIMIT = 100;

const now = () => new Date().toISOString();

/** Every LLM call with its exact request and response, cost and timing (the replay's provenance and the budgets read it). */
export class LlmCallStore {
  private readonly s;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertLlmCall: p(`INSERT INTO llm_calls (at, workspace, agent_id, model, request, response, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, outcome, error)
                        VALUES (@at, @workspace, @agent_id, @model, @request, @response, @prompt_tokens, @completion_tokens, @cost_usd, @latency_ms, @ttft_ms, @outcome, @error)`),
      llmCalls: p("SELECT * FROM llm_calls ORDER BY id DESC LIMIT ?"),
      llmCallsOfWorkspace: p("SELECT * FROM llm_calls WHERE workspace = ? ORDER BY id DESC LIMIT ?"),
      spendByAgent: p("SELECT agent_id, SUM(cost_usd) AS usd FROM llm_calls WHERE workspace = ? GROUP BY agent_id ORDER BY agent_id"),
    };
  }

  /** Records one LLM call with its exact request and response. Returns its id. */
  recordLlmCall(call: NewLlmCall): number {
    const result = llmCallResult(call);
    const request = JSON.stringify(call.request);
    if (request === undefined) throw new StoreInputError("request must be JSON data");
    const row = {
      at: now(),
      workspace: required(call.workspace, "workspace"),
      agent_id: required(call.agentId, "agentId"),
      model: required(call.model, "model"),
      request,
      ...result,
      outcome: required(call.outcome, "outcome"),
    };
    return Number(this.s.insertLlmCall.run(row).lastInsertRowid);
  }

  /** Newest first, with request and response parsed. */
  llmCalls(limit = LLM_CALL_LIST_LIMIT, workspace?: string): LlmCall[] {
    const rows = (workspace === undefined ? this.s.llmCalls.all(checkLimit(limit)) : this.s.llmCallsOfWorkspace.all(workspace, checkLimit(limit))) as Row[];
    return rows.map(toLlmCall);
  }

  /** What each agent of a workspace has spent on LLM calls (USD), to seed budgets after a restart. */
  spendByAgent(workspace: string): Map<string, number> {
    const rows = this.s.spendByAgent.all(workspace) as Array<{ agent_id: string; usd: number }>;
    return new Map(rows.map((r) => [r.agent_id, r.usd]));
  }
}
