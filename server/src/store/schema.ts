/**
 * The database's tables as Kysely sees them: one interface per table, matching the migrations
 * (migrations.ts) on both dialects. Times are ISO-8601 UTC strings except agent_samples.at (epoch
 * ms); JSON columns hold text written by the server. `Generated` marks ids the database assigns.
 */
import type { Generated, Kysely } from "kysely";

export interface AuditTable {
  id: Generated<number>;
  at: string;
  workspace: string;
  actor: string;
  kind: string;
  data: Generated<string>;
}

export interface TasksTable {
  id: string;
  workspace: string;
  title: string;
  description: Generated<string>;
  status: string;
  assignee_kind: string | null;
  assignee: string | null;
  district: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface TaskEventsTable {
  id: Generated<number>;
  task_id: string;
  at: string;
  actor: string;
  kind: string;
  data: Generated<string>;
}

export interface ArtifactsTable {
  id: string;
  workspace: string;
  task_id: string | null;
  title: string;
  kind: string;
  body: string;
  created_by: string;
  created_at: string;
}

export interface MessagesTable {
  id: Generated<number>;
  workspace: string;
  at: string;
  from_id: string;
  from_kind: string;
  to_id: string | null;
  text: string;
  llm_call_id: number | null;
}

export interface LlmCallsTable {
  id: Generated<number>;
  at: string;
  workspace: string;
  agent_id: string;
  model: string;
  request: string;
  response: string | null;
  prompt_tokens: Generated<number>;
  completion_tokens: Generated<number>;
  cost_usd: Generated<number>;
  latency_ms: number | null;
  ttft_ms: number | null;
  outcome: string;
  error: string | null;
}

export interface AgentSamplesTable {
  id: Generated<number>;
  workspace: string;
  /** Epoch ms. */
  at: number;
  agent_id: string;
  x: number;
  z: number;
  yaw: number;
  state: string;
  reason: Generated<string>;
  task_id: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface InvitesTable {
  id: string;
  role: string;
  label: Generated<string>;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface AgentTokensTable {
  id: string;
  secret_hash: string;
  workspace: string;
  agent_id: string;
  name: string;
  title: string;
  role: string;
  /** JSON array of tool names. */
  tools: string;
  home: string;
  colour: string;
  shape: string;
  budget_calls: number;
  used_calls: Generated<number>;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface AtriumDb {
  audit: AuditTable;
  tasks: TasksTable;
  task_events: TaskEventsTable;
  artifacts: ArtifactsTable;
  messages: MessagesTable;
  llm_calls: LlmCallsTable;
  agent_samples: AgentSamplesTable;
  settings: SettingsTable;
  invites: InvitesTable;
  agent_tokens: AgentTokensTable;
}

/** The query builder every store module and every other server module uses: one type for both dialects. */
export type Db = Kysely<AtriumDb>;

/** Which engine is behind a Db: SQLite (the zero-configuration default) or PostgreSQL (DATABASE_URL). */
export type Dialect = "sqlite" | "postgres";
