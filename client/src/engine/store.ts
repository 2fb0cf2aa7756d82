import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
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
  const prev = appStore.getState().people[meta.id];
  if (prev && prev.name === meta.name && prev.connected === meta.connected && prev.colour === meta.colour && prev.mode === meta.mode) return;
  appStore.setState((s) => ({ people: { ...s.people, [meta.id]: meta } }));
}

export function removePerson(id: string): void {
  appStore.setState((s) => {
    const { [id]: _gone, ...rest } = s.people;
    return { people: rest };
  });
}
