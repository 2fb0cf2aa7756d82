/** Times and numbers as the replay shows them. */

const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");

/** Wall-clock time of an epoch-ms moment, local: "14:03:22". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration: "0:07", "12:45", "1:02:03". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** How long ago, short: "4s", "3m", "2h", "5d". */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Tool arguments, short and on one line, for the log. */
export function shortArgs(args: unknown, max = 80): string {
  let text: string;
  if (typeof args === "string") text = args;
  else if (args && typeof args === "object") {
    text = Object.entries(args as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(", ");
  } else text = String(args ?? "");
  text = text.replace(/\s+/g, " ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "$0.0012", or "free" for zero. */
export function usd(v: number): string {
  if (v === 0) return "free";
  return v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}
