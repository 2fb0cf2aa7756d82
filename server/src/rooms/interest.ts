import { StateView } from "@colyseus/schema";
import { COARSE_POSE_INTERVAL_MS, PATCH_INTERVAL_MS } from "../../../shared/constants";
import type { Agent, Person, WorkspaceState } from "../../../shared/state";
import { DEFAULT_INTEREST_RULES, pickNear, type InterestRules } from "./interest-rules";

/** Each client's full-rate set is worked out again this often (ms); clients take turns, a share per patch. */
export const INTEREST_REFRESH_MS = 250; // default 250

type Posed = Person | Agent;

/** A client with an avatar, and what it gets at full rate. */
interface Subscriber {
  person: Person;
  view: StateView;
  /** People and agents in its view now: their full pose reaches it at every patch. */
  members: Set<Posed>;
  /** Its turn among the refresh slots. */
  slot: number;
}

/** The slots a period is spread over, one per patch. */
function slotsOf(periodMs: number): number {
  return Math.max(1, Math.round(periodMs / PATCH_INTERVAL_MS));
}

/**
 * Interest management for one room (Colyseus StateView). The full pose of people and agents
 * (the `.view()` fields of shared/state.ts) reaches a client only for what it has in its view:
 * what pickNear (interest-rules.ts) picks around it, refreshed every INTEREST_REFRESH_MS. Every
 * client, spectators included, gets everyone's coarse pose, which this refreshes from the full
 * one every COARSE_POSE_INTERVAL_MS, spread over the patches so each patch carries a share.
 *
 * Spectators have no view: they get only the shared stream, so coarse poses for everything.
 * A client never gets its own full pose back (it knows where it is; the server corrects it with
 * an `error` when it must).
 */
export class Interest {
  private readonly subscribers = new Map<string, Subscriber>();
  /** People and agents this patch, reused. */
  private readonly entities: Posed[] = [];
  private readonly live = new Set<Posed>();
  /** Each entity's turn for the coarse refresh. */
  private readonly coarseSlot = new WeakMap<Posed, number>();
  private readonly picked: Posed[] = [];
  private readonly keep = new Set<Posed>();
  private readonly coarseSlots = slotsOf(COARSE_POSE_INTERVAL_MS);
  private readonly refreshSlots = slotsOf(INTEREST_REFRESH_MS);
  private tick = 0;
  private nextCoarseSlot = 0;
  private nextRefreshSlot = 0;

  constructor(
    private readonly state: WorkspaceState,
    private readonly rules: InterestRules = DEFAULT_INTEREST_RULES,
  ) {}

  /** How many clients have a view (people, not spectators). */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Gives a client with an avatar its view, filled at once, so the first state it receives
   * already holds the full poses around it. Returns the view for `client.view`.
   */
  watch(sessionId: string, person: Person): StateView {
    this.unwatch(sessionId);
    const sub: Subscriber = { person, view: new StateView(), members: new Set(), slot: this.nextRefreshSlot++ % this.refreshSlots };
    this.subscribers.set(sessionId, sub);
    this.collect();
    this.refreshCoarse(-1);
    this.refresh(sub);
    return sub.view;
  }

  /** The client left for good: its view goes. */
  unwatch(sessionId: string): void {
    const sub = this.subscribers.get(sessionId);
    if (!sub) return;
    sub.view.dispose();
    this.subscribers.delete(sessionId);
  }

  /** Whether `sessionId` gets `entity`'s full pose now (for tests and the debug view). */
  hasFull(sessionId: string, entity: Posed): boolean {
    return this.subscribers.get(sessionId)?.members.has(entity) ?? false;
  }

  /** Call before each patch is encoded: refreshes this patch's share of coarse poses and of views. */
  beforePatch(): void {
    this.tick++;
    this.collect();
    this.refreshCoarse(this.tick % this.coarseSlots);
    const turn = this.tick % this.refreshSlots;
    for (const sub of this.subscribers.values()) if (sub.slot === turn) this.refresh(sub);
  }

  private collect(): void {
    const list = this.entities;
    list.length = 0;
    this.live.clear();
    this.state.people.forEach((p) => {
      list.push(p);
      this.live.add(p);
    });
    this.state.agents.forEach((a) => {
      list.push(a);
      this.live.add(a);
    });
  }

  /** Copies the full pose into the coarse one for the entities whose turn it is (none when -1), and for any that has none yet. */
  private refreshCoarse(turn: number): void {
    for (const e of this.entities) {
      let slot = this.coarseSlot.get(e);
      if (slot === undefined) this.coarseSlot.set(e, (slot = this.nextCoarseSlot++ % this.coarseSlots));
      if (e.x === undefined || e.z === undefined) continue;
      if (slot === turn || e.coarseX === undefined) {
        e.coarseX = e.x;
        e.coarseZ = e.z;
        e.coarseYaw = e.yaw ?? 0;
      }
    }
  }

  private refresh(sub: Subscriber): void {
    const p = sub.person;
    if (p.x === undefined || p.z === undefined) return;
    const n = pickNear({ x: p.x, z: p.z, yaw: p.yaw ?? 0 }, this.entities, sub.members, this.picked, p, this.rules);
    const keep = this.keep;
    keep.clear();
    for (let i = 0; i < n; i++) keep.add(this.picked[i]!);
    for (const m of sub.members) {
      if (keep.has(m)) continue;
      sub.members.delete(m);
      if (this.live.has(m)) sub.view.remove(m);
    }
    for (let i = 0; i < n; i++) {
      const e = this.picked[i]!;
      if (sub.members.has(e)) continue;
      sub.members.add(e);
      sub.view.add(e);
    }
  }
}
