/**
 * The room's messages that wait for the database (task-create, task-update, kick, agent-budget),
 * run one after another per client: a client's second message starts once its first has been
 * written and answered, so what one person does lands in the order they did it. Other clients'
 * messages, and every message that needs no database (moves, talk, voice), go on meanwhile: the
 * room's tick never waits for a write. A handler that rejects is reported through `onError`
 * (the room answers the client with an error); nothing is left unhandled.
 */
export class ClientQueue {
  private readonly tails = new Map<string, Promise<void>>();
  /** Every queued handler still running, for shutdown and tests. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (sessionId: string, type: string, err: unknown) => void) {}

  /** Runs `work` after the client's earlier queued work. Never throws. */
  run(sessionId: string, type: string, work: () => Promise<void>): void {
    const before = this.tails.get(sessionId) ?? Promise.resolve();
    const next = before.then(work).catch((err: unknown) => this.onError(sessionId, type, err));
    this.tails.set(sessionId, next);
    this.running.add(next);
    void next.finally(() => {
      this.running.delete(next);
      if (this.tails.get(sessionId) === next) this.tails.delete(sessionId);
    });
  }

  /** Resolves once every handler queued so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
