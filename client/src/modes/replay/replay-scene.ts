import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";
import { agentAt, countUpTo, REPLAY_SPEECH_LINGER_MS, type AgentAt, type ReplayIndex, type ReplayMessage } from "../../../../shared/replay";
import { MAP_LABEL_MAX_CHARS, type MapAgent } from "../../ui/map/map-draw";

const FALLBACK_COLOUR = "#94a3b8";

/** The label under an agent's name: its state, and why or on what. */
export function stateLabel(state: string, reason: string, taskTitle: string | null): string {
  const why = reason || taskTitle || "";
  const label = why ? `${state}: ${why}` : state;
  return label.length > MAP_LABEL_MAX_CHARS ? `${label.slice(0, MAP_LABEL_MAX_CHARS - 1)}…` : label;
}

/**
 * The map's agents at any time of a replay, updated in place (one object per agent, made once),
 * so the map can ask every frame without allocating.
 */
export class ReplayScene {
  readonly agents: MapAgent[];
  private readonly scratch: AgentAt = { agentId: "", x: 0, z: 0, yaw: 0, state: "idle", reason: "", taskId: null, moving: false };
  private readonly speech = new Map<string, ReplayMessage[]>();
  /** Label cache: rebuilt only when an agent's state, reason or task changes. */
  private readonly reasons: string[] = [];
  private readonly tasks: Array<string | null> = [];

  constructor(
    private readonly index: ReplayIndex,
    private readonly taskTitle: (taskId: string) => string | null,
  ) {
    const info = new Map(index.timeline.agents.map((a) => [a.id, a]));
    this.agents = index.agentIds.map((id) => ({
      id,
      name: info.get(id)?.name ?? id,
      colour: info.get(id)?.colour ?? FALLBACK_COLOUR,
      stateColour: FALLBACK_COLOUR,
      label: "",
      x: 0,
      z: 0,
      yaw: 0,
      state: "idle",
      speech: "",
      visible: false,
    }));
    for (const m of index.timeline.messages) {
      if (m.fromKind !== "agent") continue;
      let list = this.speech.get(m.fromId);
      if (!list) this.speech.set(m.fromId, (list = []));
      list.push(m);
    }
  }

  update(t: number): readonly MapAgent[] {
    const s = this.scratch;
    for (let i = 0; i < this.agents.length; i++) {
      const a = this.agents[i]!;
      a.visible = agentAt(this.index, a.id, t, s);
      if (!a.visible) continue;
      a.x = s.x;
      a.z = s.z;
      a.yaw = s.yaw;
      if (a.state !== s.state || this.reasons[i] !== s.reason || this.tasks[i] !== s.taskId || !a.label) {
        a.state = s.state;
        a.stateColour = AGENT_STATE_COLOURS[s.state] ?? FALLBACK_COLOUR;
        this.reasons[i] = s.reason;
        this.tasks[i] = s.taskId;
        a.label = stateLabel(s.state, s.reason, s.taskId ? this.taskTitle(s.taskId) : null);
      }
      const said = this.speech.get(a.id);
      const n = said ? countUpTo(said, t) : 0;
      const last = n > 0 ? said![n - 1]! : null;
      a.speech = last && t - last.at < REPLAY_SPEECH_LINGER_MS ? last.text : "";
    }
    return this.agents;
  }
}
