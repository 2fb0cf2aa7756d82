import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData } from "./chart-data";

export interface UPlotChartProps {
  title: string;
  /** A line under the title (what the numbers are, or why they are empty). */
  subtitle?: string;
  data: ChartData;
  testId: string;
  /** Text scale: 1 at 1920 px wide, 2 at 3840. */
  scale: number;
  /** Left-axis value labels. */
  format: (v: number) => string;
  /** Left-axis range; null ends follow the data (the minimum is 0 unless given). */
  range?: [number, number | null];
  /** Series (by index into data.series) drawn against a right axis in %, with its own range 0–100. */
  percentSeries?: readonly number[];
}

const AXIS = "#94a3b8";
const GRID = "rgba(148, 163, 184, 0.12)";

/** Column of time labels: "14:05" (uPlot's x values are seconds). */
function timeLabels(_u: uPlot, splits: number[]): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  });
}

/**
 * One live chart: uPlot on a canvas, sized by its box, with a legend of our own in large type
 * (label and newest value). The chart is built once per series layout and text scale; new data
 * only calls setData.
 */
export function UPlotChart({ title, subtitle, data, testId, scale, format, range, percentSeries = [] }: UPlotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const layout = `${scale}|${data.series.map((s) => s.label).join("|")}`;
  const aligned = [data.xs, ...data.columns] as uPlot.AlignedData;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const font = `${Math.round(12 * scale)}px Inter, system-ui, sans-serif`;
    const pct = new Set(percentSeries);
    const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
      stroke: AXIS,
      font,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID, width: 1, size: 4 * scale },
      gap: 4 * scale,
      ...extra,
    });
    const opts: uPlot.Options = {
      width: Math.max(50, el.clientWidth),
      height: Math.max(40, el.clientHeight),
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      pxAlign: false,
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [range?.[0] ?? Math.min(0, min), range?.[1] ?? Math.max(max, (range?.[0] ?? 0) + 1) * 1.08] },
        pct: { range: [0, 100] },
      },
      axes: [
        axis({ values: timeLabels, size: 26 * scale, space: 70 * scale }),
        axis({ values: (_u, splits) => splits.map(format), size: 52 * scale, space: 28 * scale }),
        ...(pct.size > 0 ? [axis({ scale: "pct", side: 1, grid: { show: false }, values: (_u: uPlot, splits: number[]) => splits.map((v) => `${v}%`), size: 44 * scale, space: 28 * scale })] : []),
      ],
      series: [
        {},
        ...data.series.map((s, i): uPlot.Series => ({
          label: s.label,
          stroke: s.colour,
          width: 2 * scale,
          ...(s.fill ? { fill: s.fill } : {}),
          ...(s.dash ? { dash: s.dash.map((d) => d * scale) } : {}),
          scale: pct.has(i) ? "pct" : "y",
          points: { show: pct.has(i), size: 5 * scale },
          spanGaps: false,
        })),
      ],
    };
    const u = new uPlot(opts, aligned, el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(50, el.clientWidth), height: Math.max(40, el.clientHeight) }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series or the scale change; the data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  useEffect(() => {
    plot.current?.setData(aligned);
  });

  const lastX = data.xs.at(-1) ?? 0;
  return (
    <figure className="sp-chart" data-testid={testId} data-points={data.xs.length} data-last-t={lastX}>
      <figcaption>
        <span className="sp-chart-title">{title}</span>
        {subtitle && <span className="sp-chart-sub">{subtitle}</span>}
      </figcaption>
      <ul className="sp-legend">
        {data.series.map((s) => (
          <li key={s.label}>
            <i style={{ background: s.colour }} />
            {s.label} <b>{s.latest}</b>
          </li>
        ))}
      </ul>
      <div className="sp-chart-plot" ref={host} />
    </figure>
  );
}
