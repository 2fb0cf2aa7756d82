import { describe, expect, it } from "vitest";
import { redactDeep, redactText } from "./redact";
import { REDACTED } from "./tunables";

const KEY = "sk-live-abcdef123456";

describe("redaction", () => {
  it("replaces every occurrence of the key in text", () => {
    expect(redactText(`401 bad key ${KEY}; you sent Bearer ${KEY}`, [KEY])).toBe(`401 bad key ${REDACTED}; you sent Bearer ${REDACTED}`);
    expect(redactText("nothing here", [KEY])).toBe("nothing here");
  });

  it("ignores secrets too short to search for safely", () => {
    expect(redactText("a b c", ["a"])).toBe("a b c");
  });

  it("redacts deep inside records and leaves clean branches as they were", () => {
    const clean = { role: "system", content: "be nice" };
    const record = { messages: [clean, { role: "user", content: `my key is ${KEY}` }], n: 3, none: null };
    const out = redactDeep(record, [KEY]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.messages[1]!.content).toBe(`my key is ${REDACTED}`);
    expect(out.messages[0]).toBe(clean);
    expect(out.n).toBe(3);
    expect(record.messages[1]!.content).toContain(KEY); // the input is not changed
    const untouched = { a: ["x"] };
    expect(redactDeep(untouched, [KEY])).toBe(untouched);
  });
});
