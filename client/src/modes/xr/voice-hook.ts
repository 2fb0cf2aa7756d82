/**
 * The hook point for voice in XR: the voice feature (client/src/voice/xr-voice.ts) registers what
 * it can do, and the XR push-to-talk (controller button, wrist-menu "Talk" button, the talk
 * panel's "Hold to talk"), the listening indicator and the wrist menu's mute use it only when it
 * has. Nothing here imports the voice code, so XR never pulls it in by itself.
 */

/** What the in-headset indicator shows. */
export interface XRVoiceStatus {
  /**
   * off: the microphone is off; starting: it is being asked for or started; ready: on, not
   * listening; listening: push-to-talk held; hearing: hands-free hears speech; sending: the take
   * is being transcribed.
   */
  phase: "off" | "starting" | "ready" | "listening" | "hearing" | "sending";
  /** The last thing to tell the person (what was heard, or an error), or null. */
  message: { kind: "error" | "info"; text: string } | null;
}

export interface XRVoice {
  /**
   * Push-to-talk pressed: listens for words (to `agentId` when given, else to the agent selected,
   * named or looked at). With the microphone off it turns it on first and listens once it is
   * on, if the button is still held.
   */
  startTalking(agentId?: string): void;
  /** Push-to-talk released: the take goes to the server. */
  stopTalking(): void;
  /** Whether the microphone is off (muted), and a way to turn it off or on. */
  isMuted(): boolean;
  setMuted(muted: boolean): void;
  /** The current status (the same object until it changes) and a way to hear of changes. */
  status(): XRVoiceStatus;
  subscribe(listener: () => void): () => void;
}

let registered: XRVoice | null = null;
const listeners = new Set<() => void>();

export function registerXRVoice(voice: XRVoice | null): void {
  registered = voice;
  for (const l of listeners) l();
}

export function xrVoice(): XRVoice | null {
  return registered;
}

export function onXRVoiceChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
