import { describe, expect, it } from "vitest";
import { MAX_MARKDOWN_CHARS, inlineText, parseInline, parseMarkdown, safeHref, type Block } from "./markdown";

function kinds(blocks: Block[]): string[] {
  return blocks.map((b) => b.kind);
}

describe("parseMarkdown blocks", () => {
  it("reads headings, paragraphs, rules and quotes", () => {
    const blocks = parseMarkdown("# Title\n\nFirst line\nsecond line.\n\n---\n\n> quoted\n> more\n\n### Small ###");
    expect(kinds(blocks)).toEqual(["heading", "paragraph", "rule", "quote", "heading"]);
    expect(blocks[0]).toEqual({ kind: "heading", level: 1, inlines: [{ text: "Title" }] });
    expect(blocks[1]).toEqual({ kind: "paragraph", inlines: [{ text: "First line second line." }] });
    expect(blocks[3]).toEqual({ kind: "quote", inlines: [{ text: "quoted more" }] });
    expect(blocks[4]).toMatchObject({ kind: "heading", level: 3, inlines: [{ text: "Small" }] });
  });

  it("reads bullet, ordered, nested and task lists", () => {
    const blocks = parseMarkdown("- one\n- two\n  - nested\n- [x] done\n- [ ] open\n\n3. c\n4. d");
    expect(kinds(blocks)).toEqual(["list", "list"]);
    const bullets = blocks[0] as Extract<Block, { kind: "list" }>;
    expect(bullets.ordered).toBe(false);
    expect(bullets.items.map((i) => [inlineText(i.inlines), i.depth, i.checked])).toEqual([
      ["one", 0, null],
      ["two", 0, null],
      ["nested", 1, null],
      ["done", 0, true],
      ["open", 0, false],
    ]);
    const ordered = blocks[1] as Extract<Block, { kind: "list" }>;
    expect(ordered).toMatchObject({ ordered: true, start: 3 });
    expect(ordered.items).toHaveLength(2);
  });

  it("joins a list item's continuation lines and ends the list at a paragraph after a blank line", () => {
    const blocks = parseMarkdown("- first\n  still first\n- second\n\nA paragraph.");
    expect(kinds(blocks)).toEqual(["list", "paragraph"]);
    const list = blocks[0] as Extract<Block, { kind: "list" }>;
    expect(inlineText(list.items[0]!.inlines)).toBe("first still first");
  });

  it("keeps fenced code verbatim, with its language, and indented code", () => {
    const blocks = parseMarkdown("```ts\nconst a = 1 < 2;\n  **not bold**\n```\n\n    indented();\n    more();");
    expect(blocks[0]).toEqual({ kind: "code", lang: "ts", text: "const a = 1 < 2;\n  **not bold**" });
    expect(blocks[1]).toEqual({ kind: "code", lang: "", text: "indented();\nmore();" });
  });

  it("reads an unclosed fence to the end instead of losing the text", () => {
    expect(parseMarkdown("~~~\nstill code")).toEqual([{ kind: "code", lang: "", text: "still code" }]);
  });

  it("reads simple tables with alignment, padding short rows", () => {
    const blocks = parseMarkdown("| Name | Score | Note |\n|:---|---:|:-:|\n| a | 1 | x \\| y |\n| b | 2 |\n\nafter");
    expect(kinds(blocks)).toEqual(["table", "paragraph"]);
    const table = blocks[0] as Extract<Block, { kind: "table" }>;
    expect(table.align).toEqual(["left", "right", "center"]);
    expect(table.header.map(inlineText)).toEqual(["Name", "Score", "Note"]);
    expect(table.rows.map((r) => r.map(inlineText))).toEqual([
      ["a", "1", "x | y"],
      ["b", "2", ""],
    ]);
  });

  it("does not take a line with a pipe for a table without a delimiter row", () => {
    expect(kinds(parseMarkdown("a | b\nc | d"))).toEqual(["paragraph"]);
  });

  it("never produces HTML: tags stay literal text", () => {
    const blocks = parseMarkdown('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>');
    expect(blocks).toEqual([
      { kind: "paragraph", inlines: [{ text: '<script>alert("x")</script>' }] },
      { kind: "paragraph", inlines: [{ text: "<img src=x onerror=alert(1)>" }] },
    ]);
  });

  it("cuts very long input and says so", () => {
    const blocks = parseMarkdown("x".repeat(MAX_MARKDOWN_CHARS + 10));
    expect(blocks).toHaveLength(2);
    expect(inlineText((blocks[1] as Extract<Block, { kind: "paragraph" }>).inlines)).toContain("too long");
  });

  it("handles empty and whitespace-only input", () => {
    expect(parseMarkdown("")).toEqual([]);
    expect(parseMarkdown("\n  \n\t\n")).toEqual([]);
  });
});

describe("parseInline", () => {
  it("reads bold, italic, strike and code, nested", () => {
    expect(parseInline("a **b *c*** `d*e*` ~~f~~")).toEqual([
      { text: "a " },
      { text: "b ", bold: true },
      { text: "c", bold: true, italic: true },
      { text: " " },
      { text: "d*e*", code: true },
      { text: " " },
      { text: "f", strike: true },
    ]);
  });

  it("leaves unbalanced markers, snake_case and lone stars as text", () => {
    expect(parseInline("2 * 3 = 6 and snake_case_name and **open")).toEqual([{ text: "2 * 3 = 6 and snake_case_name and **open" }]);
  });

  it("honours backslash escapes", () => {
    expect(parseInline("\\*not italic\\*")).toEqual([{ text: "*not italic*" }]);
  });

  it("keeps only safe link targets", () => {
    expect(parseInline("[docs](https://example.com/a?b=1) and [bad](javascript:alert(1))")).toEqual([
      { text: "docs", href: "https://example.com/a?b=1" },
      { text: " and bad)" },
    ]);
  });

  it("accepts http(s) and mailto only", () => {
    expect(safeHref("https://a.b/c")).toBe("https://a.b/c");
    expect(safeHref("mailto:x@y.z")).toBe("mailto:x@y.z");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,hi")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
    expect(safeHref('https://a.b/"onmouseover=')).toBeNull();
  });
});
