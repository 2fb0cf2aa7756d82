import { appStore } from "../engine/store";
import { registerXRVoice, type XRVoiceStatus } from "../modes/xr/voice-hook";
import { voiceStore, type VoiceState } from "./voice-store";

/** What the XR side needs of the voice controller (passed in, so this module imports no controller). */
export interface PushToTalk {
  enable(): Promise<void>;
  disable(): void;
  pttDown(): void;
  pttUp(): void;
}

function statusOf(s: VoiceState): XRVoiceStatus["phase"] {
  if (s.mic === "asking" || s.mic === "starting") return "starting";
  if (s.mic !== "on") return "off";
  if (s.sending) return "sending";
  if (s.pttHeld) return "listening";
  if (s.mode === "handsfree" && s.userSpeaking) return "hearing";
  return "ready";
}

/** Hints the indicator's own phases already show (and that name the desktop's V key). */
const PHASE_HINTS = new Set(["Hold V to talk.", "Listening: just talk.", "Listening… release V to send.", "Transcribing…"]);

/** The voice line as a headset shows it: no desktop key hints; "V" is the talk button there. */
export function xrMessage(m: VoiceState["message"]): XRVoiceStatus["message"] {
  if (!m || (m.kind === "info" && PHASE_HINTS.has(m.text))) return null;
  if (m.text.startsWith("You →")) return m; // what was heard, word for word
  return { kind: m.kind, text: m.text.replace(/\bV\b/g, "the talk button") };
}

/**
 * Offers voice to XR (client/src/modes/xr/voice-hook.ts): push-to-talk from a controller button,
 * the wrist menu or a panel, mute, and the status the in-headset indicator shows. Called once
 * when the voice controller starts.
 */
export function connectXRVoice(controller: PushToTalk): void {
  /** The XR push-to-talk is held (it may be pressed before the microphone is on). */
  let held = false;
  let source = voiceStore.getState().message;
  let status: XRVoiceStatus = { phase: statusOf(voiceStore.getState()), message: xrMessage(source) };
  const listeners = new Set<() => void>();
  voiceStore.subscribe((s) => {
    const phase = statusOf(s);
    if (phase === status.phase && s.message === source) return;
    const message = s.message === source ? status.message : xrMessage(s.message);
    source = s.message;
    status = { phase, message };
    for (const l of listeners) l();
  });

  registerXRVoice({
    startTalking(agentId) {
      if (held) return;
      held = true;
      if (agentId && appStore.getState().talkTo !== agentId) appStore.setState({ talkTo: agentId });
      if (voiceStore.getState().mic === "on") {
        controller.pttDown();
        return;
      }
      // Turn the microphone on, then listen if the button is still held.
      void controller.enable().then(() => {
        if (held && voiceStore.getState().mic === "on") controller.pttDown();
      });
    },
    stopTalking() {
      if (!held) return;
      held = false;
      controller.pttUp();
    },
    isMuted: () => voiceStore.getState().mic !== "on",
    setMuted(muted) {
      if (muted) controller.disable();
      else void controller.enable();
    },
    status: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
}
