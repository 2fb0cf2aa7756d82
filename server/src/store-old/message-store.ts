import type Database from "better-sqlite3";
import { llmCallBehind } from "../replay/provenance";
import { checkLimit, required, toMessage, type Row } from "./work-rows";
import { StoreInputError, type Message, type NewMessage } from "./work-types";

export const MESSAGE_LIST_LIMIT = 50;
/**
 * Messages kept in memory per conversation (one agent's or person's messages, said or received).
 * Every model turn reads its agent's recent conversation; served from memory it costs nothing,
 * read from SQLite it costs 0.1–0.5 ms, which fifty agents starting at once feel in the tick.
 */
export const CONVERSATION_CACHE = 50;

const now = () => new Date().toISOString();
const conversationKey = (workspace: string, who: string) => `${workspace}\u0000${who}`;

/**
 * What people and agents said to each other, with a write-through cache of each recent
 * conversation. Synchronous, with statements prepared once; bad input throws a StoreInputError
 * before anything is written.
 */
export class MessageStore {
  private readonly s;
  /** Recent messages per conversation, oldest first (see CONVERSATION_CACHE). */
  private readonly conversations = new Map<string, { messages: Message[] }>();

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertMessage: p("INSERT INTO messages (workspace, at, from_id, from_kind, to_id, text, llm_call_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      recentMessages: p(`SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace
                         ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY at, id`),
      // Two index lookups (from, to), each already limited, merged: fast however long the log.
      recentMessagesInvolving: p(`SELECT * FROM (
                           SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace AND from_id = @involving
                                          ORDER BY at DESC, id DESC LIMIT @limit)
                           UNION
                           SELECT * FROM (SELECT * FROM messages WHERE workspace = @workspace AND to_id = @involving
                                          ORDER BY at DESC, id DESC LIMIT @limit)
                           ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY at, id`),
    };
  }

  addMessage(input: NewMessage): Message {
    return this.addMessages([input])[0]!;
  }

  /**
   * Several messages in one transaction (one commit instead of one each: a burst of fifty people
   * talking at once costs a fraction of a millisecond). All are written, or none.
   */
  addMessages(inputs: readonly NewMessage[]): Message[] {
    const rows = inputs.map((input) => {
      const workspace = required(input.workspace, "workspace");
      const fromId = required(input.fromId, "fromId");
      if (!["agent", "person", "system"].includes(input.fromKind)) {
        throw new StoreInputError(`invalid fromKind "${String(input.fromKind)}"; expected agent, person or system`);
      }
      if (typeof input.text !== "string" || input.text.trim() === "") throw new StoreInputError("text must not be empty");
      // Provenance: an agent's words keep the id of the LLM call they came from (replay/provenance.ts).
      const llmCallId = input.fromKind === "agent" ? llmCallBehind(fromId) : null;
      return { workspace, fromId, fromKind: input.fromKind, toId: input.toId ?? null, text: input.text, llmCallId };
    });
    const messages = this.db.transaction(() =>
      rows.map((r): Message => {
        const at = now();
        const id = Number(this.s.insertMessage.run(r.workspace, at, r.fromId, r.fromKind, r.toId, r.text, r.llmCallId).lastInsertRowid);
        return { id, workspace: r.workspace, at, fromId: r.fromId, fromKind: r.fromKind, toId: r.toId, text: r.text };
      }),
    )();
    for (const m of messages) this.remember(m);
    return messages;
  }

  /** Write-through to the cached conversations: this store is the only writer of messages, so they stay exact. */
  private remember(message: Message): void {
    const { workspace, fromId, toId } = message;
    for (const who of toId === null || toId === fromId ? [fromId] : [fromId, toId]) {
      const key = conversationKey(workspace, who);
      const cached = this.conversations.get(key);
      if (!cached) continue;
      // Inside a caller's transaction the row may yet be rolled back: read it from the database next time.
      if (this.db.inTransaction) {
        this.conversations.delete(key);
        continue;
      }
      cached.messages.push({ ...message });
      if (cached.messages.length > CONVERSATION_CACHE) cached.messages.shift();
    }
  }

  /**
   * The last `limit` messages of a workspace, in the order they were said (oldest first). With
   * `involving`, only those that id said or that were addressed to it.
   */
  recentMessages(workspace: string, limit = MESSAGE_LIST_LIMIT, involving?: string): Message[] {
    checkLimit(limit);
    if (involving === undefined) return (this.s.recentMessages.all({ workspace, limit }) as Row[]).map(toMessage);
    const key = conversationKey(workspace, involving);
    let cached = this.conversations.get(key);
    // A conversation shorter than the cache is complete in it; a longer request than the cache goes to the database.
    if (!cached || (limit > cached.messages.length && cached.messages.length === CONVERSATION_CACHE)) {
      const rows = this.s.recentMessagesInvolving.all({ workspace, involving, limit: Math.max(limit, CONVERSATION_CACHE) }) as Row[];
      const messages = rows.map(toMessage);
      if (limit > CONVERSATION_CACHE) return messages;
      cached = { messages };
      this.conversations.set(key, cached);
    }
    return cached.messages.slice(-limit).map((m) => ({ ...m }));
  }
}
