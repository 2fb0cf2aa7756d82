import { AgentServerMessage, type SpeechPayload } from "../../../shared/protocol/agent-messages";

/** How often buffered speech goes out (ms): token deltas are coalesced, not sent one by one. */
export const SPEECH_FLUSH_MS = 50;

type Broadcast = (type: string, payload: SpeechPayload) => void;

/**
 * Collects agents' streamed text and sends it as at most one `speech` message per agent per
 * flush interval. Ending an utterance flushes what is left with `done: true`.
 */
export class SpeechCoalescer {
  private readonly pending = new Map<string, { utteranceId: string; text: string }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private seq = 0;

  constructor(private readonly broadcast: Broadcast) {}

  /** Starts a new utterance for `agentId` and returns its id. */
  begin(agentId: string): string {
    const utteranceId = `${agentId}-${++this.seq}`;
    this.pending.set(agentId, { utteranceId, text: "" });
    return utteranceId;
  }

  /** Adds text to the agent's current utterance; late text of a replaced or ended one is dropped. */
  append(agentId: string, utteranceId: string, delta: string): void {
    const p = this.pending.get(agentId);
    if (!p || p.utteranceId !== utteranceId) return;
    p.text += delta;
    this.timer ??= setInterval(() => this.flush(), SPEECH_FLUSH_MS);
  }

  /** Sends what is left of the utterance, marked done. */
  end(agentId: string, utteranceId: string): void {
    const p = this.pending.get(agentId);
    const text = p && p.utteranceId === utteranceId ? p.text : "";
    if (p?.utteranceId === utteranceId) this.pending.delete(agentId);
    this.broadcast(AgentServerMessage.Speech, { agentId, utteranceId, delta: text, done: true });
  }

  /** Ends whatever the agent was saying (it was freed mid-sentence): what was said so far stays. */
  interrupt(agentId: string): void {
    const p = this.pending.get(agentId);
    if (p) this.end(agentId, p.utteranceId);
  }

  /** Sends every non-empty buffer. */
  flush(): void {
    for (const [agentId, p] of this.pending) {
      if (p.text === "") continue;
      this.broadcast(AgentServerMessage.Speech, { agentId, utteranceId: p.utteranceId, delta: p.text, done: false });
      p.text = "";
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
