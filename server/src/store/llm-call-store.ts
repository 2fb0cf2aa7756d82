import { sql } from "kysely";
import type { DbContext } from "./db-context";
import { checkLimit, llmCallResult, required, toLlmCall } from "./work-rows";
import { StoreInputError, type LlmCall, type NewLlmCall } from "./work-types";

export const LLM_CALL_LIST_LIMIT = 100;

const now = () => new Date().toISOString();

/** Every LLM call with its exact request and response, cost and timing (the replay's provenance and the budgets read it). */
export class LlmCallStore {
  constructor(private readonly ctx: DbContext) {}

  /** Records one LLM call with its exact request and response. Returns its id. */
  async recordLlmCall(call: NewLlmCall): Promise<number> {
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
    const { id } = await this.ctx.q.insertInto("llm_calls").values(row).returning("id").executeTakeFirstOrThrow();
    return id;
  }

  /** Newest first, with request and response parsed. */
  async llmCalls(limit = LLM_CALL_LIST_LIMIT, workspace?: string): Promise<LlmCall[]> {
    checkLimit(limit);
    const rows = await this.ctx.q
      .selectFrom("llm_calls")
      .selectAll()
      .$if(workspace !== undefined, (qb) => qb.where("workspace", "=", workspace!))
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toLlmCall);
  }

  /** What each agent of a workspace has spent on LLM calls (USD), to seed budgets after a restart. */
  async spendByAgent(workspace: string): Promise<Map<string, number>> {
    const rows = await this.ctx.q
      .selectFrom("llm_calls")
      .select(["agent_id", sql<number>`sum(cost_usd)`.as("usd")])
      .where("workspace", "=", workspace)
      .groupBy("agent_id")
      .orderBy("agent_id")
      .execute();
    return new Map(rows.map((r) => [r.agent_id, Number(r.usd)]));
  }
}
