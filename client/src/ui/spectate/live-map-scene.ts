import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";
import { ARC_LIFE_MS, ARC_TRAVEL_MS, handOffArcs } from "../../engine/arcs";
import type { Pose } from "../../engine/interpolation";
import { agentPoses, remotePoses } from "../../engine/people";
import { appStore, type AppState } from "../../engine/store";
import { MAP_LABEL_MAX_CHARS, type MapAgent, type MapDistrict, type MapView } from "../map/map-draw";
import { districtWorkText, drawDistrictWork, drawHandOffArc, drawPerson, type MapDistrictWork, type MapPerson } from "../map/map-live";

/** A finished utterance stays in its bubble this long (ms). Default 6 s. */
export const MAP_SPEECH_LINGER_MS = 6_000;

const scratch: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "working · Weekly brief", or the state and its reason. */
export function agentLabel(state: string, reason: string, taskTitle: string | null): string {
  const what = state === "waiting-for-human" ? "waiting for you" : state;
  if (taskTitle) return shorten(`${what} · ${taskTitle}`, MAP_LABEL_MAX_CHARS);
  return shorten(reason ? `${what}: ${reason}` : what, MAP_LABEL_MAX_CHARS);
}

/** Each district's tasks in flight, from the board cards. */
export function districtWork(tasks: AppState["tasks"]): Map<string, MapDistrictWork> {
  const out = new Map<string, MapDistrictWork>();
  const latestAt = new Map<string, number>();
  for (const t of Object.values(tasks)) {
    if (t.status === "done" || !t.district) continue;
    let w = out.get(t.district);
    if (!w) out.set(t.district, (w = { open: 0, doing: 0, review: 0, blocked: 0, latest: "" }));
    w.open++;
    if (t.status === "doing") w.doing++;
    else if (t.status === "review") w.review++;
    else if (t.status === "blocked") w.blocked++;
    if ((latestAt.get(t.district) ?? -1) < t.updatedAt) {
      latestAt.set(t.district, t.updatedAt);
      w.latest = shorten(t.title, MAP_LABEL_MAX_CHARS);
    }
  }
  return out;
}

/**
 * The live map's contents, kept in place: agents (coloured by state, labelled with their task),
 * people, hand-off arcs and each district's work. Store changes rebuild the labels; each frame
 * only samples poses into the same objects.
 */
export class LiveMapScene {
  private readonly agents: MapAgent[] = [];
  private readonly agentIndex = new Map<string, MapAgent>();
  private readonly people: MapPerson[] = [];
  private work = new Map<string, { work: MapDistrictWork; text: string }>();
  private speechAt = new Map<string, { text: string; at: number; done: boolean }>();
  textScale = 1;
  /** The view the map drew with last (CampusMap's own object), for the tests: where an agent lands on the canvas. */
  lastView: MapView | null = null;

  constructor(private readonly districts: readonly MapDistrict[]) {
    this.sync(appStore.getState(), null);
  }

  /** Follows the app store until the returned function is called. */
  attach(): () => void {
    this.sync(appStore.getState(), null);
    return appStore.subscribe((s, prev) => this.sync(s, prev));
  }

  private sync(s: AppState, prev: AppState | null): void {
    if (!prev || s.agents !== prev.agents || s.tasks !== prev.tasks) {
      const ids = Object.keys(s.agents);
      for (const id of ids) {
        const meta = s.agents[id]!;
        let a = this.agentIndex.get(id);
        if (!a) {
          a = { id, name: meta.name, colour: meta.colour, stateColour: "", label: "", x: 0, z: 0, yaw: 0, state: "", speech: "", visible: false };
          this.agentIndex.set(id, a);
          this.agents.push(a);
        }
        a.name = meta.name;
        a.colour = meta.colour;
        a.state = meta.state;
        a.stateColour = AGENT_STATE_COLOURS[meta.state] ?? "#94a3b8";
        a.label = agentLabel(meta.state, meta.reason, meta.taskId ? (s.tasks[meta.taskId]?.title ?? null) : null);
      }
      for (let i = this.agents.length - 1; i >= 0; i--) {
        const a = this.agents[i]!;
        if (!s.agents[a.id]) {
          this.agents.splice(i, 1);
          this.agentIndex.delete(a.id);
        }
      }
    }
    if (!prev || s.tasks !== prev.tasks) {
      const next = new Map<string, { work: MapDistrictWork; text: string }>();
      for (const [d, w] of districtWork(s.tasks)) next.set(d, { work: w, text: districtWorkText(w) });
      this.work = next;
    }
    if (!prev || s.speech !== prev.speech) {
      const next = new Map<string, { text: string; at: number; done: boolean }>();
      for (const [id, sp] of Object.entries(s.speech)) next.set(id, { text: sp.text.replace(/\s+/g, " ").trim(), at: sp.at, done: sp.done });
      this.speechAt = next;
    }
    if (!prev || s.people !== prev.people) {
      this.people.length = 0;
      for (const p of Object.values(s.people)) {
        this.people.push({ id: p.id, name: p.name, colour: p.colour, x: 0, z: 0, yaw: 0, connected: p.connected, visible: false });
      }
    }
  }

  /** The agents as last drawn (for the tests). */
  get drawn(): readonly MapAgent[] {
    return this.agents;
  }

  /** The agents to draw now (the same array and objects every frame). */
  update(now: number): readonly MapAgent[] {
    for (const a of this.agents) {
      const buffer = agentPoses.get(a.id);
      a.visible = buffer?.sampleNow(now, scratch) ?? false;
      if (a.visible) {
        a.x = scratch.x;
        a.z = scratch.z;
        a.yaw = scratch.yaw;
      }
      const sp = this.speechAt.get(a.id);
      a.speech = sp && sp.text && (!sp.done || now - sp.at < MAP_SPEECH_LINGER_MS) ? sp.text : "";
    }
    for (const p of this.people) {
      p.visible = remotePoses.get(p.id)?.sampleNow(now, scratch) ?? false;
      if (p.visible) {
        p.x = scratch.x;
        p.z = scratch.z;
        p.yaw = scratch.yaw;
      }
    }
    return this.agents;
  }

  /** People, each district's work and the hand-off arcs, over the agents. */
  drawOverlay(ctx: CanvasRenderingContext2D, v: MapView, now: number): void {
    this.lastView = v;
    const ts = this.textScale;
    for (const d of this.districts) {
      const w = this.work.get(d.id);
      if (w) drawDistrictWork(ctx, d, w.work, w.text, v, ts);
    }
    for (const p of this.people) if (p.visible) drawPerson(ctx, p, v, ts);
    for (const slot of handOffArcs.slots) {
      const age = now - slot.startedAt;
      if (!(age >= 0 && age < ARC_LIFE_MS)) continue;
      const from = this.agentIndex.get(slot.from);
      const to = this.agentIndex.get(slot.to);
      if (!from?.visible || !to?.visible) continue;
      drawHandOffArc(ctx, v, from.x, from.z, to.x, to.z, age, ARC_TRAVEL_MS, ARC_LIFE_MS, ts);
    }
  }
}
