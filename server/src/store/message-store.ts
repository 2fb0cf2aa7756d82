import { llmCallBehind } from "../replay/provenance";
import type { DbContext } from "./db-context";
import { checkLimit, required, toMessage } from "./work-rows";
import { StoreInputError, type Message, type NewMessage } from "./work-types";

export const MESSAGE_LIST_LIMIT = 50;
/**
 * Messages kept in memory per conversation (one agent's or person's messages, said or received).
 * Every model turn reads its agent's recent conversation; served from memory it costs nothing,
 * read from the database it costs 0.1–0.5 ms on SQLite (a round trip on PostgreSQL), which fifty
 * agents starting at once feel in the tick.
 */
export const CONVERSATION_CACHE = 50;
/** Rows per INSERT statement when many messages are written at once (well under both dialects' bound-parameter limits). */
const INSERT_CHUNK = 500;

const now = () => new Date().toISOString();
const conversationKey = (workspace: string, who: string) => `${workspace}\u0000${who}`;

/**
 * What people and agents said to each other, with a write-through cache of each recent
 * conversation. Bad input rejects with a StoreInputError before anything is written.
 */
export class MessageStore {
  /** Recent messages per conversation, oldest first (see CONVERSATION_CACHE). */
  private readonly conversations = new Map<string, { messages: Message[] }>();
  /**
   * Bumped whenever messages commit. A conversation read from the database is cached only if no
   * write committed while it was being read: otherwise the read may have missed that write.
   */
  private generation = 0;

  constructor(private readonly ctx: DbContext) {}

  async addMessage(input: NewMessage): Promise<Message> {
    return (await this.addMessages([input]))[0]!;
  }

  /**
   * Several messages in one statement (one commit instead of one each: a burst of fifty people
   * talking at once costs a fraction of a millisecond). All are written, or none.
   */
  async addMessages(inputs: readonly NewMessage[]): Promise<Message[]> {
    const rows = inputs.map((input) => {
      const workspace = required(input.workspace, "workspace");
      const fromId = required(input.fromId, "fromId");
      if (!["agent", "person", "system"].includes(input.fromKind)) {
        throw new StoreInputError(`invalid fromKind "${String(input.fromKind)}"; expected agent, person or system`);
      }
      if (typeof input.text !== "string" || input.text.trim() === "") throw new StoreInputError("text must not be empty");
      // Provenance: an agent's words keep the id of the LLM call they came from (replay/provenance.ts).
      const llmCallId = input.fromKind === "agent" ? llmCallBehind(fromId) : null;
      return { workspace, at: now(), from_id: fromId, from_kind: input.fromKind, to_id: input.toId ?? null, text: input.text, llm_call_id: llmCallId };
    });
    if (rows.length === 0) return [];
    const ids = rows.length <= INSERT_CHUNK ? await this.insert(rows) : await this.ctx.transaction(() => this.insertChunks(rows));
    const messages = rows.map(
      (r, i): Message => ({ id: ids[i]!, workspace: r.workspace, at: r.at, fromId: r.from_id, fromKind: r.from_kind, toId: r.to_id, text: r.text }),
    );
    // Inside a caller's transaction the rows may yet be rolled back: they reach the cache once it commits.
    this.ctx.afterCommit(() => {
      this.generation++;
      for (const m of messages) this.remember(m);
    });
    return messages;
  }

  private async insertChunks(rows: ReadonlyArray<Parameters<MessageStore["insert"]>[0][number]>): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) ids.push(...(await this.insert(rows.slice(i, i + INSERT_CHUNK))));
    return ids;
  }

  /** One multi-row INSERT; the new ids in the order of `rows` (ids are handed out in row order; RETURNING's order is not promised). */
  private async insert(
    rows: ReadonlyArray<{ workspace: string; at: string; from_id: string; from_kind: Message["fromKind"]; to_id: string | null; text: string; llm_call_id: number | null }>,
  ): Promise<number[]> {
    const returned = await this.ctx.q.insertInto("messages").values(rows).returning("id").execute();
    return returned.map((r) => r.id).sort((a, b) => a - b);
  }

  /** Write-through to the cached conversations: this store is the only writer of messages, so they stay exact. */
  private remember(message: Message): void {
    const { workspace, fromId, toId } = message;
    for (const who of toId === null || toId === fromId ? [fromId] : [fromId, toId]) {
      const cached = this.conversations.get(conversationKey(workspace, who));
      if (!cached) continue;
      cached.messages.push({ ...message });
      if (cached.messages.length > CONVERSATION_CACHE) cached.messages.shift();
    }
  }

  /**
   * The last `limit` messages of a workspace, in the order they were said (oldest first). With
   * `involving`, only those that id said or that were addressed to it.
   */
  async recentMessages(workspace: string, limit = MESSAGE_LIST_LIMIT, involving?: string): Promise<Message[]> {
    checkLimit(limit);
    const q = this.ctx.q;
    if (involving === undefined) {
      const rows = await q.selectFrom("messages").selectAll().where("workspace", "=", workspace).orderBy("at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.reverse().map(toMessage);
    }
    const key = conversationKey(workspace, involving);
    const cached = this.conversations.get(key);
    // A conversation shorter than the cache is complete in it; a longer request than the cache goes to the database.
    if (cached && !(limit > cached.messages.length && cached.messages.length === CONVERSATION_CACHE)) {
      return cached.messages.slice(-limit).map((m) => ({ ...m }));
    }
    const n = Math.max(limit, CONVERSATION_CACHE);
    const generation = this.generation;
    // Two index lookups (from, to), each already limited, merged: fast however long the log.
    const said = q.selectFrom("messages").selectAll().where("workspace", "=", workspace).where("from_id", "=", involving).orderBy("at", "desc").orderBy("id", "desc").limit(n);
    const heard = q.selectFrom("messages").selectAll().where("workspace", "=", workspace).where("to_id", "=", involving).orderBy("at", "desc").orderBy("id", "desc").limit(n);
    const rows = await q
      .selectFrom(said.as("said"))
      .selectAll()
      .union(q.selectFrom(heard.as("heard")).selectAll())
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(n)
      .execute();
    const messages = rows.reverse().map(toMessage);
    // Not cached inside a transaction (it may see its own uncommitted rows), nor when a write committed meanwhile.
    if (limit <= CONVERSATION_CACHE && !this.ctx.inTransaction && generation === this.generation) {
      this.conversations.set(key, { messages: messages.map((m) => ({ ...m })) });
    }
    return messages.slice(-limit);
  }
}
