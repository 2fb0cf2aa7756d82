/**
 * Drawing a top-down campus map on a 2D canvas: districts, paths, agents coloured by state,
 * names and speech bubbles. Plain functions over a CanvasRenderingContext2D, no React, so the
 * replay and (later) the spectator dashboard share them. Text goes through fillText: it is
 * drawn as text, never parsed as markup.
 */

export interface MapDistrict {
  id: string;
  name: string;
  colour: string;
  position: readonly [number, number];
  radius: number;
}

export interface MapWorld {
  campusRadius: number;
  plaza: { radius: number; colour: string };
  districts: readonly MapDistrict[];
}

/** One agent as the map draws it; callers keep these objects and update them in place. */
export interface MapAgent {
  id: string;
  name: string;
  /** The agent's own colour (its outline). */
  colour: string;
  /** The colour of its state (its body). */
  stateColour: string;
  /** A short line under the name, e.g. "working: Weekly brief" (MAP_LABEL_MAX_CHARS at most). */
  label: string;
  x: number;
  z: number;
  yaw: number;
  /** Thinking agents pulse; waiting ones blink. */
  state: string;
  /** What it is saying now, or "" for no bubble. */
  speech: string;
  visible: boolean;
}

/** World metres → canvas pixels: fits the campus into the canvas with a margin. -z (north) is up. */
export interface MapView {
  cx: number;
  cy: number;
  scale: number;
  /** The canvas size in CSS pixels. */
  width: number;
  height: number;
}

/** Longest label under an agent's name (characters). */
export const MAP_LABEL_MAX_CHARS = 34;
/** Pixels kept free around the campus circle. */
export const MAP_MARGIN_PX = 28;
/** Longest speech shown in a bubble (characters); the log has the rest. */
export const BUBBLE_MAX_CHARS = 90;
/** Widest a bubble grows (px). */
export const BUBBLE_MAX_WIDTH_PX = 220;
/** An agent is drawn at least this big (px radius), or 0.9 m, whichever is larger. */
const AGENT_MIN_RADIUS_PX = 7;
const FONT = '"Inter", system-ui, sans-serif';

export function fitView(world: MapWorld, width: number, height: number, out: MapView): MapView {
  out.width = width;
  out.height = height;
  out.cx = width / 2;
  out.cy = height / 2;
  out.scale = Math.max(0.1, (Math.min(width, height) / 2 - MAP_MARGIN_PX) / world.campusRadius);
  return out;
}

export const toScreenX = (v: MapView, x: number) => v.cx + x * v.scale;
export const toScreenY = (v: MapView, z: number) => v.cy + z * v.scale;

export function agentRadiusPx(v: MapView): number {
  return Math.max(AGENT_MIN_RADIUS_PX, 0.9 * v.scale);
}

/**
 * The ground: campus disc, paths from the plaza to each district, districts and their names.
 * It never changes, so CampusMap draws it once per size into a layer and copies that per frame.
 */
export function drawCampus(ctx: CanvasRenderingContext2D, world: MapWorld, v: MapView, textScale = 1): void {
  ctx.save();
  ctx.fillStyle = "#16232f";
  ctx.strokeStyle = "rgba(255,255,255,0.08)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(v.cx, v.cy, world.campusRadius * v.scale, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();

  ctx.strokeStyle = "rgba(217, 212, 199, 0.16)";
  ctx.lineWidth = Math.max(2, 2.2 * v.scale);
  ctx.lineCap = "round";
  for (const d of world.districts) {
    ctx.beginPath();
    ctx.moveTo(v.cx, v.cy);
    ctx.lineTo(toScreenX(v, d.position[0]), toScreenY(v, d.position[1]));
    ctx.stroke();
  }

  ctx.fillStyle = withAlpha(world.plaza.colour, 0.22);
  ctx.strokeStyle = withAlpha(world.plaza.colour, 0.45);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(v.cx, v.cy, world.plaza.radius * v.scale, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();

  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.font = `600 ${clamp(v.scale * 1.6, 10, 13) * textScale}px ${FONT}`;
  ctx.fillStyle = "rgba(238, 243, 247, 0.45)";
  ctx.fillText("Plaza", v.cx, v.cy);

  for (const d of world.districts) {
    const x = toScreenX(v, d.position[0]);
    const y = toScreenY(v, d.position[1]);
    const r = d.radius * v.scale;
    const g = ctx.createRadialGradient(x, y, r * 0.2, x, y, r);
    g.addColorStop(0, withAlpha(d.colour, 0.26));
    g.addColorStop(1, withAlpha(d.colour, 0.1));
    ctx.fillStyle = g;
    ctx.strokeStyle = withAlpha(d.colour, 0.7);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    ctx.font = `700 ${clamp(v.scale * 1.9, 11, 15) * textScale}px ${FONT}`;
    ctx.fillStyle = withAlpha(d.colour, 0.95);
    ctx.fillText(d.name, x, y - r - 10 * textScale);
  }
  ctx.restore();
}

/** One agent: body in its state's colour, outline in its own, a nose for its heading, name and label. */
export function drawAgent(ctx: CanvasRenderingContext2D, a: MapAgent, v: MapView, nowMs: number, selected: boolean, textScale = 1): void {
  const x = toScreenX(v, a.x);
  const y = toScreenY(v, a.z);
  const r = agentRadiusPx(v);
  ctx.save();
  if (a.state === "thinking" || a.state === "waiting-for-human") {
    const period = a.state === "thinking" ? 1400 : 900;
    const f = (nowMs % period) / period;
    ctx.strokeStyle = withAlpha(a.stateColour, 0.6 * (1 - f));
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, r * (1.2 + f * 1.3), 0, Math.PI * 2);
    ctx.stroke();
  }
  if (selected) {
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.arc(x, y, r + 6, 0, Math.PI * 2);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // Heading: yaw 0 faces -z (up on the map).
  const hx = -Math.sin(a.yaw);
  const hz = -Math.cos(a.yaw);
  ctx.fillStyle = a.colour;
  ctx.beginPath();
  ctx.moveTo(x + hx * (r + 6), y + hz * (r + 6));
  ctx.lineTo(x - hz * r * 0.7, y + hx * r * 0.7);
  ctx.lineTo(x + hz * r * 0.7, y - hx * r * 0.7);
  ctx.closePath();
  ctx.fill();

  // A soft halo in the state's colour (a wide translucent ring: shadowBlur is slow on software canvases).
  ctx.strokeStyle = withAlpha(a.stateColour, 0.28);
  ctx.lineWidth = 6;
  ctx.beginPath();
  ctx.arc(x, y, r + 4, 0, Math.PI * 2);
  ctx.stroke();
  ctx.fillStyle = a.stateColour;
  ctx.strokeStyle = a.colour;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();

  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.font = `700 ${12 * textScale}px ${FONT}`;
  ctx.lineWidth = 3 * textScale;
  ctx.strokeStyle = "rgba(10, 16, 22, 0.85)";
  ctx.strokeText(a.name, x, y + r + 5);
  ctx.fillStyle = "#eef3f7";
  ctx.fillText(a.name, x, y + r + 5);
  if (a.label) {
    ctx.font = `400 ${11 * textScale}px ${FONT}`;
    ctx.strokeText(a.label, x, y + r + 5 + 15 * textScale);
    ctx.fillStyle = a.stateColour;
    ctx.fillText(a.label, x, y + r + 5 + 15 * textScale);
  }
  ctx.restore();
}

/** A speech bubble above the agent, wrapped to at most three lines. */
export function drawBubble(ctx: CanvasRenderingContext2D, a: MapAgent, v: MapView, textScale = 1): void {
  if (!a.speech) return;
  const x = toScreenX(v, a.x);
  const y = toScreenY(v, a.z) - agentRadiusPx(v) - 12;
  ctx.save();
  ctx.font = `400 ${12 * textScale}px ${FONT}`;
  const { lines, w } = layoutBubble(ctx, a.speech, textScale);
  const h = (lines.length * 16 + 12) * textScale;
  const left = clamp(x - w / 2, 4, v.width - w - 4);
  const top = y - h - 8;
  ctx.fillStyle = "rgba(245, 248, 250, 0.96)";
  ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
  ctx.lineWidth = 1;
  roundRect(ctx, left, top, w, h, 9);
  ctx.fill();
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x - 6, top + h - 0.5);
  ctx.lineTo(x + 6, top + h - 0.5);
  ctx.lineTo(x, top + h + 7);
  ctx.closePath();
  ctx.fill();
  ctx.fillStyle = "#14202b";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  lines.forEach((l, i) => ctx.fillText(l, left + 10 * textScale, top + (7 + i * 16) * textScale));
  ctx.restore();
}

/** Wrapped bubbles by text: the same utterance is laid out once, not every frame. */
const bubbleLayouts = new Map<string, { lines: string[]; w: number }>();
const BUBBLE_LAYOUT_CACHE = 64;

function layoutBubble(ctx: CanvasRenderingContext2D, speech: string, textScale = 1): { lines: string[]; w: number } {
  const key = textScale === 1 ? speech : `${textScale}\u0000${speech}`;
  let layout = bubbleLayouts.get(key);
  if (!layout) {
    const text = speech.length > BUBBLE_MAX_CHARS ? `${speech.slice(0, BUBBLE_MAX_CHARS - 1)}…` : speech;
    const maxW = BUBBLE_MAX_WIDTH_PX * textScale;
    const lines = wrap(ctx, text, maxW - 20 * textScale, 3);
    layout = { lines, w: Math.min(maxW, Math.max(...lines.map((l) => ctx.measureText(l).width)) + 20 * textScale) };
    if (bubbleLayouts.size >= BUBBLE_LAYOUT_CACHE) bubbleLayouts.clear();
    bubbleLayouts.set(key, layout);
  }
  return layout;
}

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
      if (lines.length === maxLines) break;
    }
  }
  if (lines.length < maxLines && line) lines.push(line);
  else if (line && lines.length === maxLines) lines[maxLines - 1] = `${lines[maxLines - 1]!.replace(/…$/, "")}…`;
  return lines;
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** "#4f8cff" (or "#48f") with an alpha → "rgba(…)". */
export function withAlpha(hex: string, alpha: number): string {
  let h = hex.replace("#", "");
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  const n = Number.parseInt(h.slice(0, 6), 16);
  if (!Number.isFinite(n)) return hex;
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** The id of the agent drawn under (px, py), or null. */
export function agentAtPoint(agents: readonly MapAgent[], v: MapView, px: number, py: number): string | null {
  const r = agentRadiusPx(v) + 4;
  let best: string | null = null;
  let bestD = r * r;
  for (const a of agents) {
    if (!a.visible) continue;
    const dx = toScreenX(v, a.x) - px;
    const dy = toScreenY(v, a.z) - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = a.id;
    }
  }
  return best;
}
