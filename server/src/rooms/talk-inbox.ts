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
 * What people say to agents, saved in one transaction per batch and then delivered. Written one
 * by one, messages cost a commit each; batched they cost one. The owner decides when a batch
 * closes (`schedule`): the room saves it just after its next patch, so a burst (fifty people
 * talking at once) is read in one patch interval and saved in the next, never both in one.
 * A message reaches its agent only once it is committed, so what an agent answers is always in
 * the saved conversation.
 */
export class TalkInbox {
  private batch: Pending[] = [];
  private scheduled = false;
  /** The batches being saved, one after another: delivered in the order people spoke. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** Arranges for `flush` to run once the batch should close; called once per batch. */
    private readonly schedule: (flush: () => Promise<void>) => void,
  ) {}

  push(pending: Pending): void {
    this.batch.push(pending);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /**
   * Saves and delivers everything waiting; resolves once it (and every batch before it) is
   * saved and delivered, or refused. Safe to call at any time (also on dispose). Never rejects.
   */
  flush(): Promise<void> {
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
