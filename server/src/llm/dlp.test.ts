import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, textReply, type FakeOpenAI } from "../../../e2e/fake-openai";
import { Dlp, DLP_MEMO_ENTRIES, DLP_MEMO_MAX_CHARS, DlpConfigError, luhnValid, parseDlpPatterns, placeholder } from "./dlp";
import { testBroker } from "./test-fixtures";
import type { DlpFinding } from "./dlp";

const dlp = new Dlp();
const kinds = (text: string) => dlp.redact(text, "t").findings.map((f) => f.kind);

describe("DLP redaction", () => {
  it.each([
    ["e-mail", "write to ada.lovelace+work@example.co.uk today", "email", "write to [redacted:email] today"],
    ["OpenAI key", "key sk-proj-AbCdEf0123456789xyzXYZ is mine", "api-key", "key [redacted:api-key] is mine"],
    ["GitHub token", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "api-key", "[redacted:api-key]"],
    ["AWS key", "AKIAIOSFODNN7EXAMPLE", "api-key", "[redacted:api-key]"],
    ["JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "api-key", "token [redacted:api-key]"],
    ["bearer header", "Authorization: Bearer abcdefghijklmnop1234", "api-key", "Authorization: [redacted:api-key]"],
    ["key assignment", "api_key=hunter2hunter2", "api-key", "api_key=[redacted:api-key]"],
    ["Visa, spaced", "card 4111 1111 1111 1111 exp 12/29", "credit-card", "card [redacted:credit-card] exp 12/29"],
    ["Mastercard, dashed", "5555-5555-5555-4444", "credit-card", "[redacted:credit-card]"],
    ["Amex", "378282246310005", "credit-card", "[redacted:credit-card]"],
    ["international phone", "call +44 20 7946 0958 now", "phone", "call [redacted:phone] now"],
    ["US phone", "(415) 555-0132", "phone", "[redacted:phone]"],
    ["US phone, dashes", "415-555-0132", "phone", "[redacted:phone]"],
    ["national phone", "ring 020 7946 0958", "phone", "ring [redacted:phone]"],
  ])("redacts a %s", (_what, input, kind, expected) => {
    const r = dlp.redact(input, "messages[0].content");
    expect(r.text).toBe(expected);
    expect(r.findings).toEqual([{ kind, where: "messages[0].content" }]);
  });

  it.each([
    ["a card number that fails Luhn", "4111 1111 1111 1112"],
    ["an order number", "order 1234567890123"],
    ["a date", "due 2025-01-31"],
    ["a time", "at 09:30"],
    ["a version", "v1.2.3"],
    ["a count", "we shipped 1500 units in 12 days"],
    ["an at sign without a domain", "@cleo please review"],
    ["the word token", "the token budget is 4000"],
  ])("leaves %s alone", (_what, input) => {
    expect(dlp.redact(input, "t")).toEqual({ text: input, findings: [] });
  });

  it("checks Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("12a4")).toBe(false);
  });

  it("finds several kinds in one text, each reported", () => {
    expect(kinds("mail bob@example.com, card 4242424242424242, key sk-abcdefghijklmnop0123, phone +1 415 555 0132").sort()).toEqual(["api-key", "credit-card", "email", "phone"]);
  });

  it("runs configured patterns, and refuses bad ones with a sentence", () => {
    const custom = new Dlp(parseDlpPatterns('[{"name":"employee-id","pattern":"EMP-\\\\d{6}"},{"name":"project","pattern":"project\\\\s+falcon","flags":"i"}]'));
    const r = custom.redact("EMP-123456 works on Project Falcon", "t");
    expect(r.text).toBe(`${placeholder("custom:employee-id")} works on ${placeholder("custom:project")}`);
    expect(r.findings.map((f) => f.kind)).toEqual(["custom:employee-id", "custom:project"]);
    expect(() => parseDlpPatterns("not json")).toThrow(DlpConfigError);
    expect(() => parseDlpPatterns('[{"name":"x","pattern":"("}]')).toThrow(/pattern "x" is not a valid regular expression/);
    expect(() => parseDlpPatterns('[{"name":"x","pattern":"a*"}]')).toThrow(/matches the empty string/);
    expect(() => parseDlpPatterns('[{"name":"Bad Name","pattern":"a"}]')).toThrow(/name must be lower-case/);
    expect(parseDlpPatterns(undefined)).toEqual([]);
  });

  it("redacts message contents and tool call arguments, and leaves clean messages as they are", () => {
    const clean = { role: "system" as const, content: "You are Iris." };
    const { messages, findings } = dlp.redactMessages([
      clean,
      { role: "user", content: "mail me at ada@example.com" },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "write", arguments: '{"to":"bob@example.com"}' } }] },
    ]);
    expect(messages[0]).toBe(clean);
    expect(messages[1]!.content).toBe("mail me at [redacted:email]");
    expect(messages[2]!.role === "assistant" && messages[2]!.tool_calls![0]!.function.arguments).toBe('{"to":"[redacted:email]"}');
    expect(findings).toEqual([
      { kind: "email", where: "messages[1].content" },
      { kind: "email", where: "messages[2].tool_calls[0].arguments" },
    ]);
  });
});

describe("DLP in the LLM broker (a real HTTP upstream)", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("sends the redacted text upstream, records it, and reports each redaction (kind, where)", async () => {
    const reported: Array<{ findings: DlpFinding[]; call: { workspace: string; agentId: string } }> = [];
    const { broker, records } = testBroker(fake, { onRedaction: (findings, call) => reported.push({ findings, call }) });
    fake.script(textReply("noted"));
    const secret = "Card 4111 1111 1111 1111, mail ada@example.com, call +44 20 7946 0958";
    await broker.stream({ agentId: "iris", workspace: "team", messages: [{ role: "user", content: secret }] });
    const sent = JSON.stringify(fake.requests.at(-1)!.body);
    expect(sent).not.toContain("4111");
    expect(sent).not.toContain("ada@example.com");
    expect(sent).not.toContain("7946");
    expect(sent).toContain("[redacted:credit-card]");
    expect(JSON.stringify(records)).not.toContain("ada@example.com");
    expect(reported).toEqual([
      {
        call: { workspace: "team", agentId: "iris" },
        findings: [
          { kind: "email", where: "messages[0].content" },
          { kind: "credit-card", where: "messages[0].content" },
          { kind: "phone", where: "messages[0].content" },
        ],
      },
    ]);
  });
});

describe("remembered redactions", () => {
  const secret = "mail ada@example.com, key sk-abcdefghijklmnopqrstuvwx, card 4111 1111 1111 1111";
  it("answer a text seen before exactly as a fresh scan does, with this call's `where`", () => {
    const dlp = new Dlp();
    const first = dlp.redact(secret, "messages[0].content");
    const again = dlp.redact(secret, "messages[4].content");
    const fresh = new Dlp().redact(secret, "messages[4].content");
    expect(again).toEqual(fresh);
    expect(first.text).toBe(fresh.text);
    expect(again.findings.map((f) => f.kind).sort()).toEqual(["api-key", "credit-card", "email"]);
    expect(again.findings.every((f) => f.where === "messages[4].content")).toBe(true);
  });

  it("stay right past the memo's size: older texts are scanned again, not mixed up", () => {
    const dlp = new Dlp();
    for (let i = 0; i < DLP_MEMO_ENTRIES + 10; i++) dlp.redact(`note ${i}: call +44 20 7946 09${String(i % 100).padStart(2, "0")}`, "x");
    for (const i of [0, 5, DLP_MEMO_ENTRIES + 9]) {
      const text = `note ${i}: call +44 20 7946 09${String(i % 100).padStart(2, "0")}`;
      expect(dlp.redact(text, "y")).toEqual(new Dlp().redact(text, "y"));
    }
    const long = `${"x".repeat(DLP_MEMO_MAX_CHARS)} ada@example.com`;
    expect(dlp.redact(long, "z").findings).toEqual([{ kind: "email", where: "z" }]);
  });
});
