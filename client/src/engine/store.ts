import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { QuestionPayload } from "../../../shared/protocol/messages";
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
