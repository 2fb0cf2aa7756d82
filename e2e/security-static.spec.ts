import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseMarkdown, safeHref, type Block, type Inline } from "../client/src/engine/markdown";
import { ROOT } from "./server";

/**
 * Inert text, checked at the source: no part of the client writes HTML from strings, and the
 * markdown reader (the one way agents' documents reach the DOM and the in-world walls) turns
 * every tag into text and drops every link that is not http(s) or mailto. The browser half of
 * this is e2e/security.spec.ts.
 */

const SINKS = /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write\b|\bnew Function\(|\beval\(|srcdoc/;

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|tsx)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

describe("inert text at the source", () => {
  it("no client source writes HTML from a string (innerHTML, dangerouslySetInnerHTML, outerHTML, insertAdjacentHTML, document.write, eval, srcdoc)", () => {
    const files = sources(path.join(ROOT, "client/src"));
    const hits = files.flatMap((f) =>
      fs
        .readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${path.relative(ROOT, f)}:${i + 1}` }))
        .filter(({ line }) => SINKS.test(line) && !/^\s*(\/\/|\*)/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    console.log(`HTML sinks: ${hits.length} in ${files.length} client source files`);
    expect(files.length).toBeGreaterThan(20);
    expect(hits).toEqual([]);
    // The check itself can fail: it finds a sink when there is one.
    expect(SINKS.test("el.innerHTML = text")).toBe(true);
    expect(SINKS.test("<div dangerouslySetInnerHTML={{ __html: x }} />")).toBe(true);
  });

  const PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](vbscript:msgbox(1))",
    "[click](//evil.example/x)",
    "![img](javascript:alert(1))",
    "**<b onmouseover=alert(1)>bold</b>**",
    "| <script>x</script> | b |\n|---|---|\n| <img src=x onerror=alert(1)> | c |",
    "> <style>body{display:none}</style>",
    "- [ ] <marquee>todo</marquee>",
  ];

  function inlinesOf(blocks: Block[]): Inline[] {
    return blocks.flatMap((b): Inline[] => {
      switch (b.kind) {
        case "heading":
        case "paragraph":
        case "quote":
          return b.inlines;
        case "list":
          return b.items.flatMap((i) => i.inlines);
        case "table":
          return [...b.header.flat(), ...b.rows.flat(2)];
        case "code":
          return [{ text: b.text }];
        default:
          return [];
      }
    });
  }

  it.each(PAYLOADS)("the markdown reader keeps %j as plain text and links only to http(s)/mailto", (payload) => {
    const blocks = parseMarkdown(`# Title ${payload}\n\n${payload}\n\n- ${payload}\n\n\`\`\`\n${payload}\n\`\`\``);
    const inlines = inlinesOf(blocks);
    // Every href that survives is http(s) or mailto.
    for (const i of inlines) if (i.href !== undefined) expect(i.href).toMatch(/^(https?:|mailto:)/i);
    // The tags are still there, as text (nothing was interpreted, nothing silently dropped).
    const text = inlines.map((i) => i.text).join("");
    const tag = /<[a-z]+/i.exec(payload)?.[0];
    if (tag) expect(text).toContain(tag);
    // Blocks are data: no property anywhere holds markup for an HTML sink.
    expect(JSON.stringify(blocks)).not.toMatch(/__html|innerHTML/);
  });

  it("safeHref refuses every scheme but http, https and mailto", () => {
    for (const bad of ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "//evil.example", "java\tscript:alert(1)"]) expect(safeHref(bad)).toBe(null);
    for (const good of ["https://example.com/a?b=c", "http://example.com", "mailto:ada@example.com"]) expect(safeHref(good)).not.toBe(null);
  });
});
