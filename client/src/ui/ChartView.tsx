import type { ChartData } from "../../../shared/agents";
import { SERIES_COLOURS, chartScale, formatNumber, xFraction, yFraction, yTicks } from "../engine/chart";

const W = 640;
const H = 320;
const M = { left: 56, right: 16, top: 16, bottom: 40 };

/** A chart artifact in the 2D reader: an SVG of the same scale the wall uses, plus the data table. */
export function ChartView({ chart }: { chart: ChartData }) {
  const s = chartScale(chart);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number | string) => M.left + xFraction(s, x) * pw;
  const Y = (y: number) => M.top + (1 - yFraction(s, y)) * ph;
  const base = Y(Math.max(s.yMin, Math.min(s.yMax, 0)));
  const slot = pw / Math.max(1, s.categories.length);
  const n = chart.series.length;
  const ticks = yTicks(s);
  return (
    <div className="chart-view">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${chart.type} chart of ${chart.series.map((x) => x.name).join(", ")}`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={M.left} x2={W - M.right} y1={Y(v)} y2={Y(v)} stroke="#334155" strokeWidth={1} />
            <text x={M.left - 6} y={Y(v) + 4} textAnchor="end" fontSize={11} fill="#9fb0bf">
              {formatNumber(v)}
            </text>
          </g>
        ))}
        {chart.series.map((series, si) => {
          const colour = SERIES_COLOURS[si % SERIES_COLOURS.length]!;
          if (chart.type === "bar") {
            const bw = (slot * 0.7) / n;
            return series.points.map((p, k) => {
              const x = X(p.x) - (slot * 0.7) / 2 + si * bw;
              const y = Y(p.y);
              return <rect key={`${si}-${k}`} x={x} y={Math.min(y, base)} width={Math.max(1, bw - 2)} height={Math.max(1, Math.abs(base - y))} fill={colour} />;
            });
          }
          const pts = chart.type === "line" && s.numericX ? [...series.points].sort((a, b) => (a.x as number) - (b.x as number)) : series.points;
          return (
            <g key={si}>
              {chart.type === "line" && <polyline fill="none" stroke={colour} strokeWidth={2.5} points={pts.map((p) => `${X(p.x)},${Y(p.y)}`).join(" ")} />}
              {pts.map((p, k) => (
                <circle key={k} cx={X(p.x)} cy={Y(p.y)} r={chart.type === "scatter" ? 4.5 : 3} fill={colour} />
              ))}
            </g>
          );
        })}
        {!s.numericX &&
          s.categories.map((c, i) =>
            i % Math.max(1, Math.ceil(s.categories.length / 12)) ? null : (
              <text key={c} x={X(c)} y={H - M.bottom + 16} textAnchor="middle" fontSize={11} fill="#9fb0bf">
                {c.slice(0, 14)}
              </text>
            ),
          )}
        {s.numericX &&
          [s.xMin, (s.xMin + s.xMax) / 2, s.xMax].map((v) => (
            <text key={v} x={X(v)} y={H - M.bottom + 16} textAnchor="middle" fontSize={11} fill="#9fb0bf">
              {formatNumber(v)}
            </text>
          ))}
      </svg>
      <div className="chart-legend">
        {chart.series.map((x, i) => (
          <span key={i}>
            <span className="swatch" style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }} />
            {x.name}
          </span>
        ))}
      </div>
      <details>
        <summary>Data</summary>
        <table>
          <thead>
            <tr>
              <th>Series</th>
              <th>x</th>
              <th>y</th>
            </tr>
          </thead>
          <tbody>
            {chart.series.flatMap((x, si) =>
              x.points.map((p, k) => (
                <tr key={`${si}-${k}`}>
                  <td>{x.name}</td>
                  <td>{String(p.x)}</td>
                  <td>{p.y}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </div>
  );
}
