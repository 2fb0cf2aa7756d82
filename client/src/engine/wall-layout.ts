import type { ChartData } from "../../../shared/agents";
import { SERIES_COLOURS, chartScale, formatNumber, xFraction, yFraction, yTicks } from "./chart";
import { inlineText, type Block, type Inline } from "./markdown";

/**
 * Lays an artifact out on a wall panel as plain primitives — text runs and boxes — in the
 * panel's own frame: x to the right from the left edge, y up from the top edge (so content
 * has negative y), z out of the panel. The scene turns them into batched troika text and
 * instanced meshes; a test checks nothing lands outside the panel.
 */

export interface PanelText {
  text: string;
  x: number;
  /** Top of the text. */
  y: number;
  z: number;
  size: number;
  bold: boolean;
  colour: string;
  maxWidth: number;
  anchorX: "left" | "center" | "right";
  /** Keep lines as written (code); otherwise wrap at maxWidth. */
  nowrap: boolean;
  /** How far down from its top the text may show (clipped there), in metres. */
  clipHeight: number;
}

export interface PanelBox {
  x: number;
  y: number;
  z: number;
  w: number;
  h: number;
  d: number;
  colour: string;
  /** Turn about the panel's z axis (radians): line segments of a chart. */
  angle?: number;
}

export interface PanelSphere {
  x: number;
  y: number;
  z: number;
  r: number;
  colour: string;
}

export interface PanelLayout {
  texts: PanelText[];
  boxes: PanelBox[];
  spheres: PanelSphere[];
}

/** Type sizes on a wall (m). Body text of 6.4 cm (about 4.5 cm capitals) is easy to read from 2 m. */
export const WALL_TYPE = {
  h1: 0.115,
  h2: 0.095,
  h3: 0.08,
  body: 0.064,
  code: 0.056,
  table: 0.056,
  pad: 0.09,
  lineHeight: 1.25,
} as const;

/** Average glyph advance as a share of the font size; on the generous side so estimates never undercount lines. */
const CHAR_WIDTH = 0.56;
const CHAR_WIDTH_BOLD = 0.6;

const INK = "#0f172a";
const BODY = "#1e293b";
const MUTED = "#475569";
const LINK = "#1d4ed8";

/** Lines a text takes when wrapped at `width` (word wrap, long words broken). */
export function estimateLines(text: string, size: number, width: number, bold = false): number {
  const perLine = Math.max(1, Math.floor(width / (size * (bold ? CHAR_WIDTH_BOLD : CHAR_WIDTH))));
  let lines = 0;
  for (const para of text.split("\n")) {
    let line = 0;
    let count = 1;
    for (const word of para.split(/\s+/)) {
      if (!word) continue;
      let w = word.length;
      if (line > 0 && line + 1 + w > perLine) {
        count++;
        line = 0;
      }
      while (w > perLine) {
        count++;
        w -= perLine;
      }
      line += (line > 0 ? 1 : 0) + w;
    }
    lines += count;
  }
  return Math.max(1, lines);
}

/** Inline runs as the wall shows them: code in quotes-like backticks dropped, plain text kept. */
function wallText(inlines: readonly Inline[]): string {
  return inlineText(inlines).replace(/\s+/g, " ").trim();
}

/** Lays markdown blocks out on a `width` × `height` panel. Whatever does not fit is cut, with "…". */
export function layoutMarkdown(blocks: readonly Block[], width: number, height: number): PanelLayout {
  const out: PanelLayout = { texts: [], boxes: [], spheres: [] };
  const pad = WALL_TYPE.pad;
  const inner = width - 2 * pad;
  const bottom = -height + pad;
  let y = -pad;
  let full = false;

  const text = (t: string, x: number, size: number, opts: Partial<PanelText> = {}): number => {
    const maxWidth = opts.maxWidth ?? inner - (x - pad);
    const lines = opts.nowrap ? t.split("\n").length : estimateLines(t, size, maxWidth, opts.bold);
    const lineH = size * WALL_TYPE.lineHeight;
    const room = y - bottom;
    const shown = Math.min(lines, Math.floor(room / lineH + 1e-6));
    if (shown <= 0) {
      full = true;
      return 0;
    }
    if (shown < lines) full = true;
    out.texts.push({
      text: t,
      x,
      y,
      z: 0.012,
      size,
      bold: false,
      colour: BODY,
      maxWidth,
      anchorX: "left",
      nowrap: false,
      clipHeight: shown * lineH,
      ...opts,
    });
    return shown * lineH;
  };

  for (const block of blocks) {
    if (full || y - WALL_TYPE.body * WALL_TYPE.lineHeight < bottom) {
      full = true;
      break;
    }
    switch (block.kind) {
      case "heading": {
        const size = block.level === 1 ? WALL_TYPE.h1 : block.level === 2 ? WALL_TYPE.h2 : WALL_TYPE.h3;
        if (y < -pad) y -= size * 0.45;
        y -= text(wallText(block.inlines), pad, size, { bold: true, colour: INK });
        y -= size * 0.3;
        break;
      }
      case "paragraph": {
        const link = block.inlines.length > 0 && block.inlines.every((i) => i.href);
        y -= text(wallText(block.inlines), pad, WALL_TYPE.body, link ? { colour: LINK } : {});
        y -= WALL_TYPE.body * 0.5;
        break;
      }
      case "quote": {
        const top = y;
        const used = text(wallText(block.inlines), pad + 0.05, WALL_TYPE.body, { colour: MUTED });
        if (used > 0) out.boxes.push({ x: pad + 0.012, y: top - used / 2, z: 0.006, w: 0.018, h: used, d: 0.004, colour: "#94a3b8" });
        y -= used + WALL_TYPE.body * 0.5;
        break;
      }
      case "rule": {
        y -= 0.03;
        out.boxes.push({ x: width / 2, y, z: 0.006, w: inner, h: 0.006, d: 0.004, colour: "#cbd5e1" });
        y -= 0.04;
        break;
      }
      case "list": {
        let n = block.start;
        for (const item of block.items) {
          if (full) break;
          const indent = pad + item.depth * 0.09;
          const size = WALL_TYPE.body;
          const lineH = size * WALL_TYPE.lineHeight;
          if (y - lineH < bottom) {
            full = true;
            break;
          }
          let textX = indent + 0.07;
          if (item.checked !== null) {
            const s = size * 0.7;
            out.boxes.push({ x: indent + s / 2, y: y - lineH / 2, z: 0.008, w: s, h: s, d: 0.008, colour: item.checked ? "#16a34a" : "#cbd5e1" });
            textX = indent + s + 0.035;
          } else {
            const mark = block.ordered ? `${n}.` : "•";
            out.texts.push({ text: mark, x: indent, y, z: 0.012, size, bold: block.ordered, colour: MUTED, maxWidth: 0.1, anchorX: "left", nowrap: true, clipHeight: lineH });
            if (block.ordered) textX = indent + 0.04 + String(n).length * size * CHAR_WIDTH;
          }
          n++;
          const used = text(wallText(item.inlines), textX, size, item.checked ? { colour: MUTED } : {});
          y -= used + size * 0.18;
        }
        y -= WALL_TYPE.body * 0.35;
        break;
      }
      case "code": {
        const size = WALL_TYPE.code;
        const lineH = size * WALL_TYPE.lineHeight;
        const all = block.text.split("\n");
        const room = Math.floor((y - bottom - 0.05) / lineH);
        if (room <= 0) {
          full = true;
          break;
        }
        const lines = all.slice(0, room);
        if (lines.length < all.length) full = true;
        const h = lines.length * lineH + 0.05;
        out.boxes.push({ x: width / 2, y: y - h / 2, z: 0.005, w: inner, h, d: 0.006, colour: "#e2e8f0" });
        out.texts.push({
          text: lines.join("\n"),
          x: pad + 0.04,
          y: y - 0.025,
          z: 0.012,
          size,
          bold: false,
          colour: "#0b3b2e",
          maxWidth: inner - 0.08,
          anchorX: "left",
          nowrap: true,
          clipHeight: lines.length * lineH,
        });
        y -= h + WALL_TYPE.body * 0.5;
        break;
      }
      case "table": {
        const size = WALL_TYPE.table;
        const lineH = size * WALL_TYPE.lineHeight;
        const cols = block.header.length;
        if (cols === 0) break;
        // Column widths follow the longest cell, within limits, and fill the panel.
        const longest = block.header.map((h, c) => Math.max(3, wallText(h).length, ...block.rows.map((r) => wallText(r[c] ?? []).length)));
        const weights = longest.map((l) => Math.min(40, l));
        const total = weights.reduce((a, b) => a + b, 0);
        const widths = weights.map((w) => (inner * w) / total);
        const cellPad = 0.025;
        const row = (cells: readonly (readonly Inline[])[], bold: boolean, fill: string | null): boolean => {
          const texts = cells.map((c) => wallText(c));
          const lines = Math.min(3, Math.max(1, ...texts.map((t, c) => estimateLines(t, size, widths[c]! - 2 * cellPad, bold))));
          const h = lines * lineH + 2 * cellPad;
          if (y - h < bottom) {
            full = true;
            return false;
          }
          if (fill) out.boxes.push({ x: width / 2, y: y - h / 2, z: 0.005, w: inner, h, d: 0.005, colour: fill });
          let x = pad;
          texts.forEach((t, c) => {
            const w = widths[c]!;
            const a = block.align[c] ?? null;
            const anchorX = a === "right" ? "right" : a === "center" ? "center" : "left";
            const tx = anchorX === "left" ? x + cellPad : anchorX === "right" ? x + w - cellPad : x + w / 2;
            out.texts.push({ text: t, x: tx, y: y - cellPad, z: 0.012, size, bold, colour: bold ? INK : BODY, maxWidth: w - 2 * cellPad, anchorX, nowrap: false, clipHeight: lines * lineH });
            x += w;
          });
          y -= h;
          out.boxes.push({ x: width / 2, y, z: 0.007, w: inner, h: 0.004, d: 0.004, colour: "#cbd5e1" });
          return true;
        };
        if (row(block.header, true, "#e2e8f0")) {
          for (const r of block.rows) if (!row(r, false, null)) break;
        }
        y -= WALL_TYPE.body * 0.5;
        break;
      }
    }
  }
  if (full) {
    out.texts.push({ text: "… open to read all", x: width - pad, y: -height + pad * 0.9, z: 0.014, size: 0.045, bold: true, colour: LINK, maxWidth: width, anchorX: "right", nowrap: true, clipHeight: 0.06 });
  }
  return out;
}

/** Depth of one series row of a 3D chart (m). */
const SERIES_DEPTH = 0.16;

/**
 * A chart as a 3D visualisation standing out of its panel: bars as boxes (one depth row per
 * series), lines as chains of thin boxes with a dot at each point, scatters as spheres.
 * Axis labels and the legend are texts.
 */
export function layoutChart(chart: ChartData, width: number, height: number): PanelLayout {
  const out: PanelLayout = { texts: [], boxes: [], spheres: [] };
  const scale = chartScale(chart);
  const pad = WALL_TYPE.pad;
  const legendH = 0.1;
  const left = pad + 0.32; // room for y labels
  const right = width - pad;
  const top = -pad - legendH - 0.04;
  const bottomLabels = 0.12;
  const bottom = -height + pad + bottomLabels;
  const plotW = right - left;
  const plotH = top - bottom;
  const X = (x: number | string) => left + xFraction(scale, x) * plotW;
  const Y = (y: number) => bottom + yFraction(scale, y) * plotH;
  const z0 = 0.06;

  // Legend.
  let lx = pad;
  chart.series.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    out.boxes.push({ x: lx + 0.03, y: -pad - 0.035, z: 0.01, w: 0.05, h: 0.05, d: 0.01, colour });
    const name = s.name.slice(0, 24);
    out.texts.push({ text: name, x: lx + 0.08, y: -pad - 0.005, z: 0.012, size: 0.048, bold: false, colour: BODY, maxWidth: 1.2, anchorX: "left", nowrap: true, clipHeight: 0.07 });
    lx += 0.16 + name.length * 0.048 * CHAR_WIDTH;
  });

  // Axes: bars stand on a floor at zero; y gridlines on whole steps, labels.
  if (chart.type === "bar") {
    const depth = chart.series.length * SERIES_DEPTH + 0.06;
    out.boxes.push({ x: (left + right) / 2, y: Y(Math.max(scale.yMin, Math.min(scale.yMax, 0))), z: z0 - 0.03 + depth / 2, w: plotW, h: 0.008, d: depth, colour: "#94a3b8" });
  }
  out.boxes.push({ x: left, y: (top + bottom) / 2, z: 0.008, w: 0.008, h: plotH, d: 0.006, colour: "#94a3b8" });
  out.boxes.push({ x: (left + right) / 2, y: bottom, z: 0.008, w: plotW, h: 0.006, d: 0.006, colour: "#94a3b8" });
  for (const v of yTicks(scale)) {
    const y = Y(v);
    if (v > scale.yMin) out.boxes.push({ x: (left + right) / 2, y, z: 0.006, w: plotW, h: 0.003, d: 0.003, colour: "#cbd5e1" });
    out.texts.push({ text: formatNumber(v), x: left - 0.03, y: y + 0.024, z: 0.012, size: 0.045, bold: false, colour: MUTED, maxWidth: 0.3, anchorX: "right", nowrap: true, clipHeight: 0.06 });
  }
  // x labels: categories (at most 12 shown, evenly picked) or numeric ends.
  if (scale.numericX) {
    for (const v of [scale.xMin, (scale.xMin + scale.xMax) / 2, scale.xMax]) {
      out.texts.push({ text: formatNumber(v), x: X(v), y: bottom - 0.03, z: 0.012, size: 0.045, bold: false, colour: MUTED, maxWidth: 0.4, anchorX: "center", nowrap: true, clipHeight: 0.06 });
    }
  } else {
    const n = scale.categories.length;
    const every = Math.max(1, Math.ceil(n / 12));
    const slot = plotW / Math.max(1, n);
    scale.categories.forEach((c, i) => {
      if (i % every) return;
      out.texts.push({ text: c.slice(0, 14), x: X(c), y: bottom - 0.03, z: 0.012, size: 0.042, bold: false, colour: MUTED, maxWidth: Math.max(0.15, slot * every), anchorX: "center", nowrap: true, clipHeight: 0.06 });
    });
  }

  // Data.
  const slot = plotW / Math.max(1, scale.categories.length);
  chart.series.forEach((s, si) => {
    const colour = SERIES_COLOURS[si % SERIES_COLOURS.length]!;
    const z = z0 + SERIES_DEPTH * (chart.series.length - 1 - si) + SERIES_DEPTH / 2;
    if (chart.type === "bar") {
      const base = Y(Math.max(scale.yMin, Math.min(scale.yMax, 0)));
      const w = Math.max(0.01, Math.min(0.3, slot * 0.62));
      for (const p of s.points) {
        const top = Y(p.y);
        const h = Math.max(0.004, Math.abs(top - base));
        out.boxes.push({ x: X(p.x), y: (top + base) / 2, z, w, h, d: SERIES_DEPTH * 0.7, colour });
      }
      return;
    }
    const points = chart.type === "line" ? [...s.points].sort((a, b) => (scale.numericX ? (a.x as number) - (b.x as number) : 0)) : s.points;
    const r = chart.type === "scatter" ? 0.03 : 0.022;
    let prev: { x: number; y: number } | null = null;
    for (const p of points) {
      const px = X(p.x);
      const py = Y(p.y);
      out.spheres.push({ x: px, y: py, z, r, colour });
      if (chart.type === "line" && prev) {
        // A thin box from prev to here; the scene reads w as the length and turns it by the slope.
        const dx = px - prev.x;
        const dy = py - prev.y;
        out.boxes.push({ x: (px + prev.x) / 2, y: (py + prev.y) / 2, z, w: Math.hypot(dx, dy), h: 0.014, d: 0.014, colour, angle: Math.atan2(dy, dx) });
      }
      prev = { x: px, y: py };
    }
  });
  return out;
}
