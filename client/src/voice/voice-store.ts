import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { VoiceOutputMode, VoiceSessionPayload } from "../../../shared/protocol/voice-messages";
import type { ExecutionProvider } from "./vad-protocol";

/** The voice UI's slow state. The mic level, which changes 20 times a second, is in `micLevel`. */

/** A person's spoken words stay over their avatar this long (ms). */
export const BUBBLE_MS = 8000;

export type MicPhase = "off" | "asking" | "starting" | "on" | "denied" | "error";
export type TalkMode = "ptt" | "handsfree";

export interface PersonBubble {
  text: string;
  agentId: string;
  at: number;
}

export interface VoiceState {
  mic: MicPhase;
  mode: TalkMode;
  /** V (or the button) is held. */
  pttHeld: boolean;
  /** The VAD hears the person speaking now. */
  userSpeaking: boolean;
  /** An utterance is on its way to the server. */
  sending: boolean;
  /** The last thing to tell the person: an error (denied mic, STT down, too long…) or what was heard. */
  message: { kind: "error" | "info"; text: string } | null;
  /** The person wants to hear agents' voices. */
  listen: boolean;
  /** How agents' replies are voiced right now, and why. */
  output: VoiceOutputMode;
  outputNote: string;
  session: VoiceSessionPayload | null;
  vad: { ep: ExecutionProvider; msPerFrame: number; providers: { ep: ExecutionProvider; msPerFrame: number }[] } | null;
  /** People's spoken words, shown over their avatars, by person id. */
  bubbles: Record<string, PersonBubble>;
}

export const voiceStore = createStore<VoiceState>()(() => ({
  mic: "off",
  mode: "ptt",
  pttHeld: false,
  userSpeaking: false,
  sending: false,
  message: null,
  listen: true,
  output: "text",
  outputNote: "",
  session: null,
  vad: null,
  bubbles: {},
}));

export function useVoice<T>(selector: (s: VoiceState) => T): T {
  return useStore(voiceStore, selector);
}

/** The microphone's level (0–1), written by the capture worklet's messages; read by the meter each animation frame. */
export const micLevel = { rms: 0, peak: 0 };
