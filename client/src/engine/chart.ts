import type { ChartData, ChartType } from "../../../shared/agents";

/**
 * Chart artifacts, read without zod (the client bundle does not carry it): `parseChart` checks
 * the JSON the server stored (shared/agents.ts chartSchema) and `chartScale` works out the axes
 * the 3D wall and the 2D reader both draw.
 */

/** Most series and points read from one chart (as shared/agents.ts MAX_CHART_SERIES / _POINTS). */
export const CHART_MAX_SERIES = 8;
export const CHART_MAX_POINTS = 500;

/** Series colours, in order. */
export const SERIES_COLOURS = ["#4f8cff", "#f59e0b", "#10b981", "#ec4899", "#a855f7", "#ef4444", "#14b8a6", "#64748b"] as const;

const TYPES: readonly ChartType[] = ["bar", "line", "scatter"];

/** The chart in `json` (text or parsed), or an error sentence. Never throws. */
export function parseChart(json: unknown): { chart: ChartData } | { error: string } {
  let v = json;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return { error: "the chart is not valid JSON" };
    }
  }
  if (!v || typeof v !== "object") return { error: "the chart is not an object" };
  const o = v as { type?: unknown; series?: unknown };
  if (!TYPES.includes(o.type as ChartType)) return { error: `unknown chart type ${JSON.stringify(o.type)}` };
  if (!Array.isArray(o.series) || o.series.length === 0) return { error: "the chart has no series" };
  const series: ChartData["series"] = [];
  for (const s of o.series.slice(0, CHART_MAX_SERIES)) {
    if (!s || typeof s !== "object") return { error: "a series is not an object" };
    const { name, points } = s as { name?: unknown; points?: unknown };
    if (typeof name !== "string" || !Array.isArray(points)) return { error: "a series needs a name and points" };
    const clean: { x: number | string; y: number }[] = [];
    for (const p of points.slice(0, CHART_MAX_POINTS)) {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown };
      if (typeof y !== "number" || !Number.isFinite(y)) continue;
      if (typeof x === "number" && Number.isFinite(x)) clean.push({ x, y });
      else if (typeof x === "string") clean.push({ x: x.slice(0, 40), y });
    }
    if (clean.length) series.push({ name: name.slice(0, 60), points: clean });
  }
  if (!series.length) return { error: "the chart has no valid points" };
  return { chart: { type: o.type as ChartType, series } };
}

export interface ChartScale {
  /** Distinct x categories in first-seen order, when x values are labels (or for bars). */
  categories: string[];
  /** Numeric x range, when every x is a number and the chart is not a bar chart. */
  xMin: number;
  xMax: number;
  numericX: boolean;
  /** y range, always including 0 for bars, rounded out to whole steps. */
  yMin: number;
  yMax: number;
  /** Distance between y gridlines: 1, 2 or 5 × 10^k. */
  yStep: number;
}

/** A "nice" step (1, 2 or 5 × 10^k) that cuts `span` into at most 5 parts. */
export function niceStep(span: number): number {
  const step0 = Math.pow(10, Math.floor(Math.log10(span / 4)));
  return [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 5) ?? step0 * 10;
}

/** Rounds a range outwards to whole "nice" steps (1, 2, 5 × 10^k). */
export function niceRange(min: number, max: number): [number, number] {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return niceRange(min - pad, max + pad);
  }
  const step = niceStep(max - min);
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step];
}

/** The y gridline values of a scale, bottom to top. */
export function yTicks(scale: ChartScale): number[] {
  const out: number[] = [];
  const n = Math.round((scale.yMax - scale.yMin) / scale.yStep);
  for (let k = 0; k <= n && k <= 10; k++) out.push(+(scale.yMin + k * scale.yStep).toPrecision(12));
  return out;
}

export function chartScale(chart: ChartData): ChartScale {
  const categories: string[] = [];
  const seen = new Set<string>();
  let numericX = chart.type !== "bar";
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of chart.series) {
    for (const p of s.points) {
      const key = String(p.x);
      if (!seen.has(key)) {
        seen.add(key);
        categories.push(key);
      }
      if (typeof p.x === "number") {
        xMin = Math.min(xMin, p.x);
        xMax = Math.max(xMax, p.x);
      } else numericX = false;
      yMin = Math.min(yMin, p.y);
      yMax = Math.max(yMax, p.y);
    }
  }
  if (chart.type === "bar") {
    yMin = Math.min(0, yMin);
    yMax = Math.max(0, yMax);
  }
  const [y0, y1] = niceRange(yMin, yMax);
  const [x0, x1] = numericX ? niceRange(xMin, xMax) : [0, Math.max(1, categories.length - 1)];
  return { categories, xMin: x0, xMax: x1, numericX, yMin: y0, yMax: y1, yStep: niceStep(y1 - y0) };
}

/** Where x falls across the plot, 0 (left) to 1 (right). Categories are spread evenly, centred in their slots. */
export function xFraction(scale: ChartScale, x: number | string): number {
  if (scale.numericX && typeof x === "number") return (x - scale.xMin) / (scale.xMax - scale.xMin || 1);
  const i = scale.categories.indexOf(String(x));
  return (i + 0.5) / Math.max(1, scale.categories.length);
}

/** Where y falls up the plot, 0 (bottom) to 1 (top). */
export function yFraction(scale: ChartScale, y: number): number {
  return (y - scale.yMin) / (scale.yMax - scale.yMin || 1);
}

/** A number as an axis label: short, no float noise. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return "";
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(1)}k`;
  return String(+n.toFixed(a < 1 ? 3 : 2));
}
