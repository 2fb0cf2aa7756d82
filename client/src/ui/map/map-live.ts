/**
 * What the live map draws besides the agents (the spectator dashboard): people, hand-off arcs
 * as they happen, and each district's tasks in flight. Plain canvas functions like map-draw.ts;
 * nothing here allocates per call except the strings the caller already holds.
 */
import { toScreenX, toScreenY, withAlpha, type MapDistrict, type MapView } from "./map-draw";

const FONT = '"Inter", system-ui, sans-serif';

/** A person as the live map draws them; callers keep these objects and update them in place. */
export interface MapPerson {
  id: string;
  name: string;
  colour: string;
  x: number;
  z: number;
  yaw: number;
  connected: boolean;
  visible: boolean;
}

/** One district's work in flight, shown under its name. */
export interface MapDistrictWork {
  /** todo + doing + review (+ blocked) tasks on its board. */
  open: number;
  doing: number;
  review: number;
  blocked: number;
  /** The title of the task most recently moved there, or "". */
  latest: string;
}

/** A person: a diamond in their colour with their name beside it (greyed while reconnecting). */
export function drawPerson(ctx: CanvasRenderingContext2D, p: MapPerson, v: MapView, textScale = 1): void {
  const x = toScreenX(v, p.x);
  const y = toScreenY(v, p.z);
  const r = Math.max(6, 0.7 * v.scale) * Math.min(1.6, textScale);
  ctx.save();
  ctx.globalAlpha = p.connected ? 1 : 0.45;
  ctx.fillStyle = p.colour;
  ctx.strokeStyle = "#f8fafc";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.font = `600 ${11 * textScale}px ${FONT}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.lineWidth = 3 * textScale;
  ctx.strokeStyle = "rgba(10, 16, 22, 0.85)";
  ctx.strokeText(p.name, x + r + 4, y);
  ctx.fillStyle = "#f8fafc";
  ctx.fillText(p.name, x + r + 4, y);
  ctx.restore();
}

/**
 * A hand-off arc from (ax, az) to (bx, bz) in world metres, `age` ms after it started: a curve
 * bowed to one side, a glow travelling along it over `travelMs`, fading out by `lifeMs`.
 */
export function drawHandOffArc(
  ctx: CanvasRenderingContext2D,
  v: MapView,
  ax: number,
  az: number,
  bx: number,
  bz: number,
  age: number,
  travelMs: number,
  lifeMs: number,
  textScale = 1,
): void {
  if (age < 0 || age >= lifeMs) return;
  const x0 = toScreenX(v, ax);
  const y0 = toScreenY(v, az);
  const x1 = toScreenX(v, bx);
  const y1 = toScreenY(v, bz);
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy) || 1;
  // Control point: off the midpoint, square to the line, a third of its length.
  const cx = (x0 + x1) / 2 - (dy / len) * len * 0.3;
  const cy = (y0 + y1) / 2 + (dx / len) * len * 0.3;
  const fade = Math.min(1, age / 150, (lifeMs - age) / (lifeMs / 3));
  const t = Math.min(1, age / travelMs);
  const k = t * t * (3 - 2 * t);
  ctx.save();
  ctx.globalAlpha = fade;
  ctx.strokeStyle = "#fbbf24";
  ctx.lineWidth = 3 * textScale;
  ctx.setLineDash([10 * textScale, 6 * textScale]);
  ctx.lineDashOffset = -age / 30;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.quadraticCurveTo(cx, cy, x1, y1);
  ctx.stroke();
  ctx.setLineDash([]);
  const u = 1 - k;
  const gx = u * u * x0 + 2 * u * k * cx + k * k * x1;
  const gy = u * u * y0 + 2 * u * k * cy + k * k * y1;
  ctx.fillStyle = withAlpha("#fde68a", 0.35);
  ctx.beginPath();
  ctx.arc(gx, gy, 11 * textScale, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#fde68a";
  ctx.beginPath();
  ctx.arc(gx, gy, 5 * textScale, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
}

/** A district's tasks in flight: a pill under its name ("3 open · 1 doing · 1 review") and the latest title. */
export function drawDistrictWork(ctx: CanvasRenderingContext2D, d: MapDistrict, work: MapDistrictWork, text: string, v: MapView, textScale = 1): void {
  if (work.open === 0) return;
  const x = toScreenX(v, d.position[0]);
  const y = toScreenY(v, d.position[1]) - d.radius * v.scale + 8 * textScale;
  ctx.save();
  ctx.font = `600 ${11 * textScale}px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  const w = ctx.measureText(text).width + 16 * textScale;
  const h = 18 * textScale;
  ctx.fillStyle = work.blocked > 0 ? "rgba(127, 29, 29, 0.9)" : "rgba(15, 23, 42, 0.88)";
  ctx.strokeStyle = withAlpha(d.colour, 0.9);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.roundRect(x - w / 2, y, w, h, h / 2);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = "#f1f5f9";
  ctx.fillText(text, x, y + h / 2 + 0.5);
  if (work.latest) {
    ctx.font = `400 ${10.5 * textScale}px ${FONT}`;
    ctx.fillStyle = "rgba(226, 232, 240, 0.8)";
    ctx.fillText(work.latest, x, y + h + 10 * textScale);
  }
  ctx.restore();
}

/** "3 open · 1 doing · 1 review · 1 blocked", the zero parts left out. */
export function districtWorkText(work: MapDistrictWork): string {
  const parts = [`${work.open} open`];
  if (work.doing) parts.push(`${work.doing} doing`);
  if (work.review) parts.push(`${work.review} review`);
  if (work.blocked) parts.push(`${work.blocked} blocked`);
  return parts.join(" · ");
}
