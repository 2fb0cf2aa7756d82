import { z } from "zod";
import type { LlmMessage } from "./types";

/**
 * Data-loss prevention: what leaves Atrium for a model (the LLM broker) or a speech-to-text
 * service is redacted first. Built in: e-mail addresses, phone numbers, API keys and tokens,
 * and card numbers (only digit runs that pass the Luhn check). More patterns come from config
 * (ATRIUM_DLP_PATTERNS). Each redaction is reported (kind and where, never the text) so the
 * caller can audit it. Policy (docs/CONFIGURATION.md): the raw text stays in this server's own
 * database, where the workspace's people already see it; what goes upstream, and what the
 * llm_calls audit records as sent, is the redacted text.
 */

export interface DlpFinding {
  /** "email", "phone", "api-key", "credit-card", or "custom:<name>". */
  kind: string;
  /** Where in the outgoing request, e.g. "messages[3].content". */
  where: string;
}

export interface DlpPattern {
  name: string;
  regex: RegExp;
}

/** Longest text a custom pattern is run on at once (characters); longer text is scanned in slices. Default 100,000. */
export const DLP_MAX_SCAN_CHARS = 100_000;

/** What a redacted span becomes: `[redacted:<kind>]`. */
export function placeholder(kind: string): string {
  return `[redacted:${kind}]`;
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * API keys and tokens by their well-known shapes: OpenAI (sk-…), Anthropic (sk-ant-…), GitHub
 * (ghp_/gho_/ghs_/ghu_/github_pat_), Slack (xox?-), AWS access keys (AKIA…), Google (AIza…),
 * Stripe (sk_live_/rk_live_…), JWTs (eyJ….eyJ….…), bearer headers, and `key=`/`token:`-style
 * assignments of long values.
 */
const API_KEY_PATTERNS: RegExp[] = [
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  /\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/gi,
  /\b(?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|passwd)\b(\s*[:=]\s*["']?)[^\s"']{8,}/gi,
];
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
/** 13–19 digits, optionally grouped by single spaces or dashes. Luhn decides. */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
/**
 * International numbers with +, North American 3-3-4 numbers, and national numbers with a
 * trunk 0 (020 7946 0958). Dates (2025-01-31), times and plain counts do not match.
 */
const PHONE = /(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}\b)|(?:\(\d{3}\)\s?\d{3}[\s.-]\d{4}\b)|(?:\b\d{3}[.-]\d{3}[.-]\d{4}\b)|(?:\b0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}\b)/g;

/** A custom pattern from config: a name and a regular expression (JavaScript syntax). */
export const dlpPatternSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "name must be lower-case letters, digits and dashes"),
  pattern: z.string().min(1).max(500),
  /** Regex flags besides g: i, m, s, u. Default none. */
  flags: z.string().regex(/^[imsu]*$/, "flags may only be i, m, s, u").optional(),
});

export class DlpConfigError extends Error {}

/** Parses ATRIUM_DLP_PATTERNS: a JSON array of { name, pattern, flags? }. */
export function parseDlpPatterns(raw: string | undefined): DlpPattern[] {
  if (raw === undefined || raw.trim() === "") return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new DlpConfigError('ATRIUM_DLP_PATTERNS must be JSON: an array like [{"name":"employee-id","pattern":"EMP-\\\\d{6}"}]');
  }
  const parsed = z.array(dlpPatternSchema).max(50).safeParse(json);
  if (!parsed.success) {
    throw new DlpConfigError(`ATRIUM_DLP_PATTERNS: ${parsed.error.issues.map((i) => `[${i.path.join(".")}] ${i.message}`).join("; ")}`);
  }
  return parsed.data.map((p) => {
    let regex: RegExp;
    try {
      regex = new RegExp(p.pattern, `g${p.flags ?? ""}`);
    } catch (err) {
      throw new DlpConfigError(`ATRIUM_DLP_PATTERNS: pattern "${p.name}" is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (regex.test("")) throw new DlpConfigError(`ATRIUM_DLP_PATTERNS: pattern "${p.name}" matches the empty string`);
    return { name: p.name, regex };
  });
}

/**
 * Texts whose redaction is remembered (most recently used first out). Every model call of an
 * agent resends its system prompt and recent conversation, so most texts were scanned moments
 * ago; remembering them saves ~0.2 ms of regular expressions per call. Default 512.
 */
export const DLP_MEMO_ENTRIES = 512;
/** Texts longer than this (characters) are scanned every time, not remembered. Default 16,000. */
export const DLP_MEMO_MAX_CHARS = 16_000;

export class Dlp {
  /** text → its redacted text and the kinds found, in order (a Map keeps insertion order: oldest first). */
  private readonly memo = new Map<string, { text: string; kinds: string[] }>();

  constructor(readonly custom: readonly DlpPattern[] = []) {}

  /** `text` with every finding replaced by its placeholder, and the findings (kind, where). */
  redact(text: string, where: string): { text: string; findings: DlpFinding[] } {
    if (text.length > DLP_MEMO_MAX_CHARS) return this.scan(text, where);
    let known = this.memo.get(text);
    if (known) {
      this.memo.delete(text); // most recently used goes last
    } else {
      const r = this.scan(text, where);
      known = { text: r.text, kinds: r.findings.map((f) => f.kind) };
      if (this.memo.size >= DLP_MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
    }
    this.memo.set(text, known);
    return { text: known.text, findings: known.kinds.map((kind) => ({ kind, where })) };
  }

  private scan(text: string, where: string): { text: string; findings: DlpFinding[] } {
    const findings: DlpFinding[] = [];
    let out = text;
    const replace = (re: RegExp, kind: string, accept?: (match: string) => boolean) => {
      re.lastIndex = 0;
      if (!re.test(out)) return;
      re.lastIndex = 0;
      out = out.replace(re, (match: string, ...groups: unknown[]) => {
        if (accept && !accept(match)) return match;
        findings.push({ kind, where });
        // `key = value` keeps its name so the model still reads sense: "api_key=[redacted:api-key]".
        const sep = typeof groups[0] === "string" && kind === "api-key" && /^[A-Za-z]/.test(match) && /[:=]/.test(groups[0]) ? match.slice(0, match.indexOf(groups[0]) + groups[0].length) : "";
        return sep + placeholder(kind);
      });
    };
    for (const re of API_KEY_PATTERNS) replace(re, "api-key");
    replace(EMAIL, "email");
    replace(CARD, "credit-card", (m) => {
      const digits = m.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
    });
    replace(PHONE, "phone", (m) => {
      const digits = m.replace(/\D/g, "").length;
      return digits >= 7 && digits <= 15;
    });
    for (const p of this.custom) {
      if (out.length > DLP_MAX_SCAN_CHARS) {
        // Bounded work per call for configured patterns: scan in slices.
        let acc = "";
        for (let i = 0; i < out.length; i += DLP_MAX_SCAN_CHARS) {
          const slice = out.slice(i, i + DLP_MAX_SCAN_CHARS);
          p.regex.lastIndex = 0;
          acc += slice.replace(p.regex, () => {
            findings.push({ kind: `custom:${p.name}`, where });
            return placeholder(`custom:${p.name}`);
          });
        }
        out = acc;
      } else {
        replace(p.regex, `custom:${p.name}`);
      }
    }
    return { text: out, findings };
  }

  /**
   * The messages of a model request, redacted: contents, and tool call arguments. Messages that
   * need nothing are the same objects (no copy).
   */
  redactMessages(messages: readonly LlmMessage[]): { messages: LlmMessage[]; findings: DlpFinding[] } {
    const findings: DlpFinding[] = [];
    const out = messages.map((m, i): LlmMessage => {
      let next = m;
      if (typeof m.content === "string") {
        const r = this.redact(m.content, `messages[${i}].content`);
        if (r.findings.length > 0) {
          findings.push(...r.findings);
          next = { ...next, content: r.text } as LlmMessage;
        }
      }
      if (m.role === "assistant" && m.tool_calls) {
        let changed = false;
        const calls = m.tool_calls.map((c, j) => {
          const r = this.redact(c.function.arguments, `messages[${i}].tool_calls[${j}].arguments`);
          if (r.findings.length === 0) return c;
          changed = true;
          findings.push(...r.findings);
          return { ...c, function: { ...c.function, arguments: r.text } };
        });
        if (changed) next = { ...(next as typeof m), tool_calls: calls };
      }
      return next;
    });
    return { messages: out, findings };
  }
}

/** The DLP of this server: built-in kinds plus ATRIUM_DLP_PATTERNS. Throws DlpConfigError. */
export function dlpFromEnv(env: NodeJS.ProcessEnv): Dlp {
  return new Dlp(parseDlpPatterns(env.ATRIUM_DLP_PATTERNS));
}

let shared = new Dlp();

/** Sets the DLP `redactForUpstream` uses (the server does this at start, from its config). */
export function configureDlp(dlp: Dlp): void {
  shared = dlp;
}

/** Receives every redaction made through `redactForUpstream` (the server audits them). */
let sharedListener: ((findings: DlpFinding[], context: { workspace: string; actor: string }) => void) | null = null;
export function onDlpRedaction(listener: typeof sharedListener): void {
  sharedListener = listener;
}

/**
 * For anything else that sends people's or agents' text upstream (speech-to-text prompts,
 * future services): redact `text` before it leaves. `where` names the destination (e.g.
 * "stt:prompt"); the findings are audited through the listener the server installed.
 */
export function redactForUpstream(text: string, where: string, context: { workspace: string; actor: string }): string {
  const r = shared.redact(text, where);
  if (r.findings.length > 0) sharedListener?.(r.findings, context);
  return r.text;
}
