import type { ReactNode } from "react";
import type { Block, Inline } from "../engine/markdown";

/** Inline runs as React elements; text is always text (React escapes it), links only http(s)/mailto. */
function Inlines({ inlines }: { inlines: readonly Inline[] }) {
  return (
    <>
      {inlines.map((i, k) => {
        let node: ReactNode = i.code ? <code>{i.text}</code> : i.text;
        if (i.bold) node = <strong>{node}</strong>;
        if (i.italic) node = <em>{node}</em>;
        if (i.strike) node = <s>{node}</s>;
        if (i.href) {
          node = (
            <a href={i.href} target="_blank" rel="noopener noreferrer nofollow">
              {node}
            </a>
          );
        }
        return <span key={k}>{node}</span>;
      })}
    </>
  );
}

function ListBlock({ block }: { block: Extract<Block, { kind: "list" }> }) {
  const Tag = block.ordered ? "ol" : "ul";
  return (
    <Tag start={block.ordered ? block.start : undefined}>
      {block.items.map((item, k) => (
        <li key={k} style={item.depth ? { marginLeft: `${item.depth * 1.4}em` } : undefined} className={item.checked === null ? undefined : "task-item"}>
          {item.checked !== null && <input type="checkbox" checked={item.checked} readOnly disabled aria-label={item.checked ? "done" : "open"} />}
          <Inlines inlines={item.inlines} />
        </li>
      ))}
    </Tag>
  );
}

/** Markdown blocks (engine/markdown.ts) as React elements — never innerHTML. */
export function MarkdownView({ blocks }: { blocks: readonly Block[] }) {
  return (
    <div className="markdown">
      {blocks.map((b, k) => {
        switch (b.kind) {
          case "heading": {
            const H = `h${Math.min(6, Math.max(1, b.level))}` as "h1";
            return (
              <H key={k}>
                <Inlines inlines={b.inlines} />
              </H>
            );
          }
          case "paragraph":
            return (
              <p key={k}>
                <Inlines inlines={b.inlines} />
              </p>
            );
          case "quote":
            return (
              <blockquote key={k}>
                <Inlines inlines={b.inlines} />
              </blockquote>
            );
          case "rule":
            return <hr key={k} />;
          case "code":
            return (
              <pre key={k} data-lang={b.lang || undefined}>
                <code>{b.text}</code>
              </pre>
            );
          case "list":
            return <ListBlock key={k} block={b} />;
          case "table":
            return (
              <table key={k}>
                <thead>
                  <tr>
                    {b.header.map((h, c) => (
                      <th key={c} style={{ textAlign: b.align[c] ?? undefined }}>
                        <Inlines inlines={h} />
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {b.rows.map((r, ri) => (
                    <tr key={ri}>
                      {r.map((cell, c) => (
                        <td key={c} style={{ textAlign: b.align[c] ?? undefined }}>
                          <Inlines inlines={cell} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
        }
      })}
    </div>
  );
}
