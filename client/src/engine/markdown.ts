/**
 * A small, safe markdown reader: text in, plain blocks out. It never produces or passes through
 * HTML — a tag in the source is just text — and links keep their href only when it is http(s)
 * or mailto. The in-world artifact walls (troika text) and the desktop reader (React elements)
 * both draw these blocks. Covers what agents write: headings, paragraphs, lists (nested, task
 * boxes), fenced and indented code, simple tables, quotes, rules, and inline bold, italic,
 * strike, code and links.
 */

/** Longest source read (characters); the rest is cut off with a note. */
export const MAX_MARKDOWN_CHARS = 100_000; // default 100_000
/** Most blocks kept from one document. */
export const MAX_BLOCKS = 2_000; // default 2_000
/** Most columns of a table. */
export const MAX_TABLE_COLUMNS = 12; // default 12

export interface Inline {
  text: string;
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  /** Only http:, https: or mailto: addresses survive. */
  href?: string;
}

export interface ListItem {
  inlines: Inline[];
  /** Nesting depth, 0 for the outermost list. */
  depth: number;
  /** A task box: true checked, false open, null for a plain item. */
  checked: boolean | null;
}

export type Align = "left" | "center" | "right" | null;

export type Block =
  | { kind: "heading"; level: number; inlines: Inline[] }
  | { kind: "paragraph"; inlines: Inline[] }
  | { kind: "list"; ordered: boolean; start: number; items: ListItem[] }
  | { kind: "code"; lang: string; text: string }
  | { kind: "table"; align: Align[]; header: Inline[][]; rows: Inline[][][] }
  | { kind: "quote"; inlines: Inline[] }
  | { kind: "rule" };

type Style = Omit<Inline, "text">;

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TASK_BOX = /^\[([ xX])\]\s+/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const SAFE_HREF = /^(https?:\/\/|mailto:)[^\s<>"'`]+$/i;
const ESCAPABLE = "\\`*_{}[]()#+-.!|~>";

/** The address if it is safe to link to (http, https, mailto), else null. */
export function safeHref(url: string): string | null {
  const u = url.trim();
  return SAFE_HREF.test(u) ? u : null;
}

/** Plain text of some inlines (for search, titles, and text-only surfaces). */
export function inlineText(inlines: readonly Inline[]): string {
  let s = "";
  for (const i of inlines) s += i.text;
  return s;
}

function sameStyle(a: Inline, b: Inline): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.strike === b.strike && a.code === b.code && a.href === b.href;
}

function pushInline(out: Inline[], piece: Inline): void {
  if (!piece.text) return;
  const last = out[out.length - 1];
  if (last && sameStyle(last, piece)) last.text += piece.text;
  else out.push(piece);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/** Index of the closing `marker` for an emphasis opened before `from`, or -1. */
function closingMarker(src: string, marker: string, from: number): number {
  const c = marker[0]!;
  for (let j = src.indexOf(marker, from); j !== -1; j = src.indexOf(marker, j + 1)) {
    if (j === from) continue; // empty emphasis
    if (/\s/.test(src[j - 1]!)) continue; // a closer follows text, not a space
    if (marker.length === 1 && (src[j + 1] === c || src[j - 1] === c)) continue; // part of ** inside *
    if (c === "_" && isWordChar(src[j + marker.length])) continue; // snake_case stays text
    if (marker.length === 2 && src[j + 2] === c) return j + 1; // "***": the inner * closes an italic first
    return j;
  }
  return -1;
}

/** Inline markdown to styled runs. Unknown or unbalanced markers stay as text. */
export function parseInline(src: string, base: Style = {}): Inline[] {
  const out: Inline[] = [];
  let buf = "";
  const flush = () => {
    if (buf) pushInline(out, { ...base, text: buf });
    buf = "";
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "\\" && next !== undefined && ESCAPABLE.includes(next)) {
      buf += next;
      i += 2;
      continue;
    }
    if (c === "`") {
      let n = 1;
      while (src[i + n] === "`") n++;
      const fence = "`".repeat(n);
      const end = src.indexOf(fence, i + n);
      if (end !== -1) {
        flush();
        const body = src.slice(i + n, end);
        const trimmed = body.length > 2 && body.startsWith(" ") && body.endsWith(" ") ? body.slice(1, -1) : body;
        pushInline(out, { ...base, code: true, text: trimmed });
        i = end + n;
        continue;
      }
      buf += fence;
      i += n;
      continue;
    }
    if ((c === "*" || c === "_") && !(c === "_" && isWordChar(src[i - 1]))) {
      const marker = next === c ? c + c : c;
      const start = i + marker.length;
      if (src[start] !== undefined && !/\s/.test(src[start]!)) {
        const end = closingMarker(src, marker, start);
        if (end !== -1) {
          flush();
          const style = marker.length === 2 ? { bold: true } : { italic: true };
          for (const piece of parseInline(src.slice(start, end), { ...base, ...style })) pushInline(out, piece);
          i = end + marker.length;
          continue;
        }
      }
    }
    if (c === "~" && next === "~") {
      const end = src.indexOf("~~", i + 2);
      if (end > i + 2) {
        flush();
        for (const piece of parseInline(src.slice(i + 2, end), { ...base, strike: true })) pushInline(out, piece);
        i = end + 2;
        continue;
      }
    }
    if (c === "[") {
      const m = /^\[([^\]\n]*)\]\(\s*([^)\s]*)(?:\s+"[^"\n]*")?\s*\)/.exec(src.slice(i, i + 2100));
      if (m) {
        flush();
        const href = safeHref(m[2]!);
        const label = m[1] || m[2]!;
        for (const piece of parseInline(label, href ? { ...base, href } : base)) pushInline(out, piece);
        i += m[0].length;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (s[i] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += s[i];
  }
  cells.push(cell.trim());
  return cells.slice(0, MAX_TABLE_COLUMNS);
}

function alignOf(cell: string): Align {
  const left = cell.startsWith(":");
  const right = cell.endsWith(":");
  return left && right ? "center" : right ? "right" : left ? "left" : null;
}

function startsBlock(line: string, nextLine: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes("|") && nextLine !== undefined && TABLE_DELIMITER.test(nextLine) && nextLine.includes("-"))
  );
}

/** Markdown source to blocks. Never throws; anything it does not understand is kept as text. */
export function parseMarkdown(source: string): Block[] {
  let src = String(source);
  let truncated = false;
  if (src.length > MAX_MARKDOWN_CHARS) {
    src = src.slice(0, MAX_MARKDOWN_CHARS);
    truncated = true;
  }
  const lines = src.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length && blocks.length < MAX_BLOCKS) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i]!.trim().startsWith(marker[0]!.repeat(marker.length)) && lines[i]!.trim().replace(/[`~]/g, "") === "")) {
        body.push(lines[i]!);
        i++;
      }
      i++; // the closing fence (or past the end)
      blocks.push({ kind: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1]!.length, inlines: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ kind: "rule" });
      i++;
      continue;
    }

    if (QUOTE.test(line)) {
      const parts: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) {
        parts.push(QUOTE.exec(lines[i]!)![1]!.trim());
        i++;
      }
      blocks.push({ kind: "quote", inlines: parseInline(parts.filter(Boolean).join(" ")) });
      continue;
    }

    const first = LIST_ITEM.exec(line);
    if (first) {
      const ordered = /\d/.test(first[2]!);
      const items: ListItem[] = [];
      const indents: number[] = [];
      let texts: string[] = [];
      let depthOf = 0;
      let checked: boolean | null = null;
      const close = () => {
        if (texts.length) items.push({ inlines: parseInline(texts.join(" ")), depth: depthOf, checked });
        texts = [];
      };
      while (i < lines.length) {
        const l = lines[i]!;
        const m = LIST_ITEM.exec(l);
        if (m) {
          const sameKind = /\d/.test(m[2]!) === ordered;
          const indent = m[1]!.length;
          if (indent === 0 && !sameKind && items.length + texts.length > 0) break; // a new list starts
          close();
          while (indents.length && indent < indents[indents.length - 1]!) indents.pop();
          if (!indents.length || indent > indents[indents.length - 1]!) indents.push(indent);
          depthOf = Math.min(indents.length - 1, 6);
          let text = m[3]!;
          const box = TASK_BOX.exec(text);
          checked = box ? box[1] !== " " : null;
          if (box) text = text.slice(box[0].length);
          texts.push(text.trim());
          i++;
          continue;
        }
        if (l.trim() === "") {
          // A blank line ends the list unless an indented continuation or another item follows.
          const after = lines[i + 1];
          if (after !== undefined && (LIST_ITEM.test(after) || /^\s{2,}\S/.test(after))) {
            i++;
            continue;
          }
          break;
        }
        if (/^\s+\S/.test(l) || !startsBlock(l, lines[i + 1])) {
          texts.push(l.trim()); // a continuation line of the current item
          i++;
          continue;
        }
        break;
      }
      close();
      blocks.push({ kind: "list", ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, items });
      continue;
    }

    const delimiter = lines[i + 1];
    if (line.includes("|") && delimiter !== undefined && TABLE_DELIMITER.test(delimiter) && delimiter.includes("-")) {
      const header = splitRow(line);
      const align = splitRow(delimiter).map(alignOf);
      while (align.length < header.length) align.push(null);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.trim() !== "" && lines[i]!.includes("|")) {
        const cells = splitRow(lines[i]!);
        const row: Inline[][] = [];
        for (let c = 0; c < header.length; c++) row.push(parseInline(cells[c] ?? ""));
        rows.push(row);
        i++;
      }
      blocks.push({ kind: "table", align: align.slice(0, header.length), header: header.map((h) => parseInline(h)), rows });
      continue;
    }

    if (/^ {4,}\S/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^ {4,}/.test(lines[i]!) || (lines[i]!.trim() === "" && /^ {4,}\S/.test(lines[i + 1] ?? "")))) {
        body.push(lines[i]!.slice(4));
        i++;
      }
      blocks.push({ kind: "code", lang: "", text: body.join("\n") });
      continue;
    }

    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== "" && (para.length === 0 || !startsBlock(lines[i]!, lines[i + 1]))) {
      para.push(lines[i]!.trim());
      i++;
    }
    blocks.push({ kind: "paragraph", inlines: parseInline(para.join(" ")) });
  }
  if (truncated || i < lines.length) blocks.push({ kind: "paragraph", inlines: [{ text: "… (the rest is too long to show here)", italic: true }] });
  return blocks;
}
