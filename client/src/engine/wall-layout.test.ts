import { describe, expect, it } from "vitest";
import { parseChart } from "./chart";
import { parseMarkdown } from "./markdown";
import { estimateLines, layoutChart, layoutMarkdown, type PanelLayout } from "./wall-layout";

const W = 2.1;
const H = 1.7;

function inside(layout: PanelLayout, width: number, height: number): void {
  for (const t of layout.texts) {
    expect(t.y).toBeLessThanOrEqual(0);
    expect(t.y - t.clipHeight).toBeGreaterThanOrEqual(-height - 1e-9);
    if (t.anchorX === "left") expect(t.x + (t.nowrap ? 0 : t.maxWidth)).toBeLessThanOrEqual(width + 1e-9);
  }
  for (const b of layout.boxes) {
    if (b.angle) continue;
    expect(b.y + b.h / 2).toBeLessThanOrEqual(1e-9);
    expect(b.y - b.h / 2).toBeGreaterThanOrEqual(-height - 1e-9);
    expect(b.x - b.w / 2).toBeGreaterThanOrEqual(-1e-9);
    expect(b.x + b.w / 2).toBeLessThanOrEqual(width + 1e-9);
  }
}

describe("estimateLines", () => {
  it("wraps words and breaks long ones", () => {
    expect(estimateLines("short", 0.05, 2)).toBe(1);
    expect(estimateLines("word ".repeat(100), 0.05, 1)).toBeGreaterThan(10);
    expect(estimateLines("x".repeat(200), 0.05, 1)).toBeGreaterThanOrEqual(6);
    expect(estimateLines("a\nb\nc", 0.05, 1)).toBe(3);
  });
});

describe("layoutMarkdown", () => {
  const doc = parseMarkdown(
    "# Weekly brief\n\nSome *text* here.\n\n## Steps\n\n- one\n- [x] two\n1. first\n\n```\ncode()\n```\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n> note\n\n---",
  );

  it("gives headings larger bold type and keeps every piece inside the panel", () => {
    const layout = layoutMarkdown(doc, W, H);
    const title = layout.texts.find((t) => t.text === "Weekly brief")!;
    const body = layout.texts.find((t) => t.text === "Some text here.")!;
    expect(title.bold).toBe(true);
    expect(title.size).toBeGreaterThan(body.size);
    expect(body.y).toBeLessThan(title.y); // below it
    expect(layout.texts.some((t) => t.text === "code()" && t.nowrap)).toBe(true);
    expect(layout.texts.some((t) => t.text === "2" && t.anchorX === "right")).toBe(true);
    expect(layout.boxes.some((b) => b.colour === "#16a34a")).toBe(true); // the ticked box
    inside(layout, W, H);
    expect(layout.texts.some((t) => t.text.startsWith("…"))).toBe(false);
  });

  it("cuts a long document at the bottom edge and says there is more", () => {
    const long = parseMarkdown(Array.from({ length: 60 }, (_, i) => `Paragraph ${i} with a few words in it to wrap.`).join("\n\n"));
    const layout = layoutMarkdown(long, W, H);
    inside(layout, W, H);
    expect(layout.texts.length).toBeLessThan(60);
    expect(layout.texts.at(-1)!.text).toContain("open to read all");
  });

  it("cuts a long code block to the lines that fit", () => {
    const layout = layoutMarkdown(parseMarkdown("```\n" + Array.from({ length: 80 }, (_, i) => `line ${i}`).join("\n") + "\n```"), W, H);
    inside(layout, W, H);
    const code = layout.texts.find((t) => t.nowrap && t.text.startsWith("line 0"))!;
    expect(code.text.split("\n").length).toBeLessThan(80);
  });
});

describe("layoutChart", () => {
  it("draws a bar per point, one depth row per series, inside the panel", () => {
    const parsed = parseChart({ type: "bar", series: [{ name: "2024", points: [{ x: "Q1", y: 3 }, { x: "Q2", y: 5 }] }, { name: "2025", points: [{ x: "Q1", y: 4 }, { x: "Q2", y: -1 }] }] });
    if (!("chart" in parsed)) throw new Error(parsed.error);
    const layout = layoutChart(parsed.chart, W, H);
    const bars = layout.boxes.filter((b) => b.colour === "#4f8cff" || b.colour === "#f59e0b").filter((b) => b.d > 0.05);
    expect(bars).toHaveLength(4);
    const zs = new Set(bars.map((b) => b.z.toFixed(3)));
    expect(zs.size).toBe(2);
    const q2 = bars.filter((b) => b.colour === "#4f8cff");
    expect(q2[1]!.h).toBeGreaterThan(q2[0]!.h); // 5 > 3
    expect(layout.texts.map((t) => t.text)).toEqual(expect.arrayContaining(["2024", "2025", "Q1", "Q2"]));
    inside(layout, W, H);
  });

  it("draws lines as segments between points and scatters as spheres", () => {
    const line = parseChart({ type: "line", series: [{ name: "s", points: [{ x: 3, y: 1 }, { x: 1, y: 2 }, { x: 2, y: 3 }] }] });
    if (!("chart" in line)) throw new Error(line.error);
    const l = layoutChart(line.chart, W, H);
    expect(l.spheres).toHaveLength(3);
    expect(l.boxes.filter((b) => b.angle !== undefined)).toHaveLength(2);
    const scatter = parseChart({ type: "scatter", series: [{ name: "s", points: [{ x: 1, y: 1 }, { x: 2, y: 4 }] }] });
    if (!("chart" in scatter)) throw new Error(scatter.error);
    const sc = layoutChart(scatter.chart, W, H);
    expect(sc.spheres).toHaveLength(2);
    expect(sc.spheres[1]!.y).toBeGreaterThan(sc.spheres[0]!.y);
    expect(sc.spheres[1]!.x).toBeGreaterThan(sc.spheres[0]!.x);
  });
});

describe("parseChart", () => {
  it("refuses what is not a chart, with a reason", () => {
    expect(parseChart("{oops")).toEqual({ error: "the chart is not valid JSON" });
    expect(parseChart({ type: "pie", series: [] })).toHaveProperty("error");
    expect(parseChart({ type: "bar", series: [] })).toHaveProperty("error");
    expect(parseChart({ type: "bar", series: [{ name: "a", points: [{ x: "a", y: "nope" }] }] })).toHaveProperty("error");
  });

  it("reads the JSON text the server stores", () => {
    const r = parseChart(JSON.stringify({ type: "line", series: [{ name: "a", points: [{ x: 1, y: 2 }] }] }));
    expect(r).toEqual({ chart: { type: "line", series: [{ name: "a", points: [{ x: 1, y: 2 }] }] } });
  });
});

describe("chart scale", () => {
  it("puts gridlines on whole nice steps and includes zero for bars", async () => {
    const { chartScale, yTicks } = await import("./chart");
    const s = chartScale({ type: "bar", series: [{ name: "a", points: [{ x: "a", y: 12 }, { x: "b", y: 22 }] }] });
    expect(s.yMin).toBe(0);
    expect(yTicks(s)).toEqual([0, 5, 10, 15, 20, 25]);
    const l = chartScale({ type: "line", series: [{ name: "a", points: [{ x: 1, y: 20.5 }, { x: 12, y: 59.9 }] }] });
    expect(yTicks(l)).toEqual([20, 30, 40, 50, 60]);
    expect(l.numericX).toBe(true);
  });
});
