import type { Logger } from "../logger";
import type { NewMessage, Store } from "../store/store";

interface Pending {
  message: NewMessage;
  /** Hands the message to the agent once it is saved. */
  deliver: () => void;
  /** Tells the sender it could not be saved. */
  refuse: (reason: string) => void;
}

/**
 * How long the inbox gathers what people say before it saves it (ms). A burst (fifty people
 * talking at once) reaches the server over several socket reads a few ms apart; gathered, it
 * costs one commit instead of one per read. Agents take their mail on the room's 50 ms
 * simulation tick anyway, so this rarely delays an answer at all (by one tick when it does).
 * Default 10.
 */
export const TALK_GATHER_MS = 10;

/**
 * What people say to agents, gathered for TALK_GATHER_MS, saved in one transaction and then
 * delivered. Written one by one, messages cost a commit each; batched they cost one. A message
 * reaches its agent only once it is committed, so what an agent answers is always in the saved
 * conversation.
 */
export class TalkInbox {
  private batch: Pending[] = [];
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The batches being saved, one after another: delivered in the order people spoke. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** Runs the flush after the current turn (the room times it as room work). */
    private readonly schedule: (flush: () => Promise<void>) => void,
    /** The gathering window (ms); 0 schedules the flush at once, for the turn's messages only. */
    private readonly gatherMs = TALK_GATHER_MS,
  ) {}

  push(pending: Pending): void {
    this.batch.push(pending);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.gatherMs <= 0) {
      this.schedule(() => this.flush());
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.schedule(() => this.flush());
    }, this.gatherMs);
  }

  /**
   * Saves and delivers everything waiting; resolves once it (and every batch before it) is
   * saved and delivered, or refused. Safe to call at any time (also on dispose). Never rejects.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return this.saving;
    this.saving = this.saving.then(async () => {
      try {
        await this.store.messages.addMessages(batch.map((p) => p.message));
      } catch (err) {
        this.log.error({ err, messages: batch.length }, "could not save what people said to agents");
        for (const p of batch) p.refuse("your message could not be saved; please send it again");
        return;
      }
      for (const p of batch) p.deliver();
    });
    return this.saving;
  }
}
