/**
 * Cuts an agent's streamed reply into sentences for the speech endpoint, so the first sentence
 * is spoken while the rest is still being written. A sentence ends at . ! ? … followed by a
 * space or a line break, or at a line break; a run-on longer than MAX_SPOKEN_CHUNK_CHARS is cut
 * at its last space.
 */

/** Longest piece sent to the speech endpoint at once (characters). */
export const MAX_SPOKEN_CHUNK_CHARS = 300;
/** Shortest piece worth a request of its own; shorter ones wait to join the next (characters). */
export const MIN_SPOKEN_CHUNK_CHARS = 12;

const BOUNDARY = /([.!?…]+["')\]]*)(\s+)|\n+/g;

export class SentenceChunker {
  private buffer = "";

  /** Adds streamed text; returns the sentences it completed. */
  push(delta: string): string[] {
    this.buffer += delta;
    const out: string[] = [];
    for (;;) {
      BOUNDARY.lastIndex = 0;
      let cut = -1;
      let m: RegExpExecArray | null;
      while ((m = BOUNDARY.exec(this.buffer))) {
        const end = m.index + m[0].length;
        if (this.buffer.slice(0, end).trim().length >= MIN_SPOKEN_CHUNK_CHARS) {
          cut = end;
          break;
        }
      }
      if (cut < 0 && this.buffer.length > MAX_SPOKEN_CHUNK_CHARS) {
        const space = this.buffer.lastIndexOf(" ", MAX_SPOKEN_CHUNK_CHARS);
        cut = space > 0 ? space + 1 : MAX_SPOKEN_CHUNK_CHARS;
      }
      if (cut < 0) break;
      const piece = speakable(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
      if (piece) out.push(piece);
    }
    return out;
  }

  /** What is left at the end of the utterance, or null. */
  flush(): string | null {
    const rest = speakable(this.buffer);
    this.buffer = "";
    return rest;
  }
}

/** Text with markdown marks removed and spaces collapsed; null when nothing is left to say. */
export function speakable(text: string): string | null {
  const t = text
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/[*_`#>|]+/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return /[\p{L}\p{N}]/u.test(t) ? t : null;
}
