import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { QuestionPayload } from "../../../shared/protocol/messages";
import type { ActivityItem } from "../../../shared/protocol/work-messages";
import type { World } from "../../../shared/world";

/**
 * The app's slow state: what React renders (phase, status, roster, notices). Fast state —
 * poses that change every frame — lives in plain objects read from `useFrame`
 * (see people.ts and local-player.ts), never here.
 */

export type Phase = "loading" | "name" | "joining" | "campus";
export type ConnectionStatus = "idle" | "connecting" | "connected" | "reconnecting" | "offline";

export interface PersonMeta {
  id: string;
  name: string;
  colour: string;
  mode: string;
  connected: boolean;
}

export interface AgentMeta {
  id: string;
  name: string;
  role: string;
  colour: string;
  shape: string;
  state: string;
  reason: string;
  taskId: string;
  brain: string;
}

/** A card on a district's task board, as patched (shared/state.ts TaskCard). */
export interface TaskMeta {
  id: string;
  title: string;
  status: string;
  district: string;
  assigneeKind: string;
  assignee: string;
  createdAt: number;
  updatedAt: number;
  escalated: boolean;
  artifacts: number;
}

/** An artifact on a district's wall, as patched (shared/state.ts ArtifactCard). */
export interface ArtifactMeta {
  id: string;
  title: string;
  kind: string;
  taskId: string;
  district: string;
  createdBy: string;
  createdAt: number;
}

export interface Speech {
  utteranceId: string;
  text: string;
  done: boolean;
  /** performance.now() of the last piece. */
  at: number;
}

export interface Notice {
  kind: "error" | "info";
  text: string;
  /** Increments so the same text shown twice still re-triggers. */
  seq: number;
}

export interface AppState {
  phase: Phase;
  loading: { progress: number; label: string; error: string | null };
  status: ConnectionStatus;
  /** A sentence about the connection, shown on the status chip's tooltip and the offline banner. */
  statusDetail: string;
  world: World | null;
  workspace: string;
  selfId: string | null;
  people: Record<string, PersonMeta>;
  agents: Record<string, AgentMeta>;
  /** The latest utterance of each agent, growing while it streams. */
  speech: Record<string, Speech>;
  /** Open ask_human questions, by request id. */
  questions: Record<string, QuestionPayload>;
  /** The agent the talk panel is open for, or null. */
  talkTo: string | null;
  /** The talk panel's agent picker (T) is open. */
  pickerOpen: boolean;
  notice: Notice | null;
  helpOpen: boolean;
  /** Task cards on the boards, by task id. */
  tasks: Record<string, TaskMeta>;
  /** Artifacts on the walls, by artifact id. */
  artifacts: Record<string, ArtifactMeta>;
  /** The activity feed, newest first (see activity.ts). */
  activity: ActivityItem[];
  /** The task whose detail panel is open, or null. */
  selectedTask: string | null;
  /** The artifact open in the reader, or null. */
  openArtifact: string | null;
  /** The "New task" dialog, with the board it starts on, or null when closed. */
  newTask: { district: string } | null;
}

export const initialAppState: AppState = {
  phase: "loading",
  loading: { progress: 0, label: "Starting", error: null },
  status: "idle",
  statusDetail: "",
  world: null,
  workspace: "main",
  selfId: null,
  people: {},
  agents: {},
  speech: {},
  questions: {},
  talkTo: null,
  pickerOpen: false,
  notice: null,
  helpOpen: false,
  tasks: {},
  artifacts: {},
  activity: [],
  selectedTask: null,
  openArtifact: null,
  newTask: null,
};

export const appStore = createStore<AppState>()(() => ({ ...initialAppState }));

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

let noticeSeq = 0;
export function showNotice(kind: Notice["kind"], text: string): void {
  appStore.setState({ notice: { kind, text, seq: ++noticeSeq } });
}

export function upsertPerson(meta: PersonMeta): void {
  if (sameMeta(appStore.getState().people[meta.id], meta)) return;
  appStore.setState((s) => ({ people: { ...s.people, [meta.id]: meta } }));
}

export function removePerson(id: string): void {
  appStore.setState((s) => {
    const { [id]: _gone, ...rest } = s.people;
    return { people: rest };
  });
}

function sameMeta<T extends object>(a: T | undefined, b: T): boolean {
  if (!a) return false;
  for (const k in b) if (a[k] !== b[k]) return false;
  return true;
}

export function upsertAgent(meta: AgentMeta): void {
  if (sameMeta(appStore.getState().agents[meta.id], meta)) return;
  appStore.setState((s) => ({ agents: { ...s.agents, [meta.id]: meta } }));
}

export function removeAgent(id: string): void {
  appStore.setState((s) => {
    const { [id]: _gone, ...rest } = s.agents;
    return { agents: rest };
  });
}

/** Appends a streamed piece to an agent's bubble; a new utterance replaces the old text. */
export function addSpeech(agentId: string, utteranceId: string, delta: string, done: boolean): void {
  appStore.setState((s) => {
    const prev = s.speech[agentId];
    const text = prev && prev.utteranceId === utteranceId ? prev.text + delta : delta;
    return { speech: { ...s.speech, [agentId]: { utteranceId, text, done, at: performance.now() } } };
  });
}

export function upsertTask(meta: TaskMeta): void {
  if (sameMeta(appStore.getState().tasks[meta.id], meta)) return;
  appStore.setState((s) => ({ tasks: { ...s.tasks, [meta.id]: meta } }));
}

export function removeTask(id: string): void {
  appStore.setState((s) => {
    const { [id]: _gone, ...rest } = s.tasks;
    return { tasks: rest };
  });
}

export function upsertArtifact(meta: ArtifactMeta): void {
  if (sameMeta(appStore.getState().artifacts[meta.id], meta)) return;
  appStore.setState((s) => ({ artifacts: { ...s.artifacts, [meta.id]: meta } }));
}

export function removeArtifact(id: string): void {
  appStore.setState((s) => {
    const { [id]: _gone, ...rest } = s.artifacts;
    return { artifacts: rest };
  });
}
