/**
 * Schema migrations, applied in order. The database's `user_version` pragma records how many
 * have run. Never edit a migration that has shipped; append a new one.
 */
export const migrations: readonly string[] = [
  // 1: the audit trail. Every join, leave and (later) every LLM call and tool run lands here.
  `CREATE TABLE audit (
     id        INTEGER PRIMARY KEY AUTOINCREMENT,
     at        TEXT    NOT NULL,
     workspace TEXT    NOT NULL,
     actor     TEXT    NOT NULL,
     kind      TEXT    NOT NULL,
     data      TEXT    NOT NULL DEFAULT '{}'
   );
   CREATE INDEX audit_workspace_at ON audit (workspace, at);
   CREATE INDEX audit_kind ON audit (kind);`,

  // 2: the work itself. Tasks and their history, artifacts, messages and every LLM call.
  // Times are ISO-8601 UTC strings; JSON columns hold objects written by the server.
  `CREATE TABLE tasks (
     id            TEXT PRIMARY KEY,
     workspace     TEXT NOT NULL,
     title         TEXT NOT NULL,
     description   TEXT NOT NULL DEFAULT '',
     status        TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'review', 'done', 'blocked')),
     assignee_kind TEXT CHECK (assignee_kind IN ('agent', 'person')),
     assignee      TEXT,
     district      TEXT,
     created_by    TEXT NOT NULL,
     created_at    TEXT NOT NULL,
     updated_at    TEXT NOT NULL,
     CHECK ((assignee IS NULL) = (assignee_kind IS NULL))
   );
   CREATE INDEX tasks_workspace_updated ON tasks (workspace, updated_at);
   CREATE INDEX tasks_workspace_status ON tasks (workspace, status);
   CREATE INDEX tasks_workspace_assignee ON tasks (workspace, assignee);

   CREATE TABLE task_events (
     id      INTEGER PRIMARY KEY AUTOINCREMENT,
     task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
     at      TEXT NOT NULL,
     actor   TEXT NOT NULL,
     kind    TEXT NOT NULL,
     data    TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX task_events_task ON task_events (task_id, id);

   CREATE TABLE artifacts (
     id         TEXT PRIMARY KEY,
     workspace  TEXT NOT NULL,
     task_id    TEXT REFERENCES tasks (id) ON DELETE SET NULL,
     title      TEXT NOT NULL,
     kind       TEXT NOT NULL CHECK (kind IN ('markdown', 'chart')),
     body       TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX artifacts_workspace_created ON artifacts (workspace, created_at);
   CREATE INDEX artifacts_task ON artifacts (task_id);

   CREATE TABLE messages (
     id        INTEGER PRIMARY KEY AUTOINCREMENT,
     workspace TEXT NOT NULL,
     at        TEXT NOT NULL,
     from_id   TEXT NOT NULL,
     from_kind TEXT NOT NULL CHECK (from_kind IN ('agent', 'person', 'system')),
     to_id     TEXT,
     text      TEXT NOT NULL
   );
   CREATE INDEX messages_workspace_at ON messages (workspace, at);

   CREATE TABLE llm_calls (
     id                INTEGER PRIMARY KEY AUTOINCREMENT,
     at                TEXT    NOT NULL,
     workspace         TEXT    NOT NULL,
     agent_id          TEXT    NOT NULL,
     model             TEXT    NOT NULL,
     request           TEXT    NOT NULL,
     response          TEXT,
     prompt_tokens     INTEGER NOT NULL DEFAULT 0,
     completion_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd          REAL    NOT NULL DEFAULT 0,
     latency_ms        REAL,
     ttft_ms           REAL,
     outcome           TEXT    NOT NULL,
     error             TEXT
   );
   CREATE INDEX llm_calls_workspace_agent ON llm_calls (workspace, agent_id);
   CREATE INDEX llm_calls_at ON llm_calls (at);`,
  // 3: look up an agent's own conversation (prompts read it on every model call) by index.
  `CREATE INDEX messages_from ON messages (workspace, from_id, at);
   CREATE INDEX messages_to ON messages (workspace, to_id, at);`,
  // 4: replay and provenance. Agent poses and states as they change (server/src/replay/recorder.ts;
  // `at` is epoch ms, task_id NULL when none), and the LLM call behind each agent utterance
  // (NULL for people and for anything said outside a model call). Tool runs carry theirs in
  // the audit row's data (llmCallId). An llm_calls row is written when the call starts
  // (outcome 'pending') and completed when it ends, so a call cut off by a crash is kept too.
  `CREATE TABLE agent_samples (
     id        INTEGER PRIMARY KEY AUTOINCREMENT,
     workspace TEXT    NOT NULL,
     at        INTEGER NOT NULL,
     agent_id  TEXT    NOT NULL,
     x         REAL    NOT NULL,
     z         REAL    NOT NULL,
     yaw       REAL    NOT NULL,
     state     TEXT    NOT NULL,
     reason    TEXT    NOT NULL DEFAULT '',
     task_id   TEXT
   );
   CREATE INDEX agent_samples_workspace_at ON agent_samples (workspace, at);
   CREATE INDEX agent_samples_agent_at ON agent_samples (workspace, agent_id, at);
   ALTER TABLE messages ADD COLUMN llm_call_id INTEGER;
   CREATE INDEX messages_llm_call ON messages (llm_call_id) WHERE llm_call_id IS NOT NULL;`,
  // 5: identity (server/src/auth). Server settings such as the generated join-token secret
  // (when ATRIUM_SECRET is not set), and invite links: each signed token's id (jti), the role it
  // grants, when it expires and whether the owner revoked it. Times are ISO-8601 UTC strings.
  `CREATE TABLE settings (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );
   CREATE TABLE invites (
     id         TEXT PRIMARY KEY,
     role       TEXT NOT NULL CHECK (role IN ('owner', 'member', 'spectator')),
     label      TEXT NOT NULL DEFAULT '',
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     revoked_at TEXT,
     revoked_by TEXT
   );
   CREATE INDEX invites_created_at ON invites (created_at);`,
  // 6: agent tokens (server/src/mcp). An outside agent connects over MCP with a token the owner
  // issued: it names the agent (id, name, title), the workspace it works in, its access role, the
  // tools it may call (JSON array), its budget of tool calls and how many it has used. Only the
  // SHA-256 of the token's secret is kept. Times are ISO-8601 UTC strings.
  `CREATE TABLE agent_tokens (
     id           TEXT PRIMARY KEY,
     secret_hash  TEXT NOT NULL,
     workspace    TEXT NOT NULL,
     agent_id     TEXT NOT NULL,
     name         TEXT NOT NULL,
     title        TEXT NOT NULL,
     role         TEXT NOT NULL CHECK (role IN ('member', 'spectator')),
     tools        TEXT NOT NULL,
     home         TEXT NOT NULL,
     colour       TEXT NOT NULL,
     shape        TEXT NOT NULL,
     budget_calls INTEGER NOT NULL CHECK (budget_calls > 0),
     used_calls   INTEGER NOT NULL DEFAULT 0,
     created_by   TEXT NOT NULL,
     created_at   TEXT NOT NULL,
     expires_at   TEXT NOT NULL,
     revoked_at   TEXT,
     revoked_by   TEXT
   );
   CREATE INDEX agent_tokens_workspace ON agent_tokens (workspace, created_at);
   CREATE INDEX agent_tokens_agent ON agent_tokens (workspace, agent_id);`,
];
