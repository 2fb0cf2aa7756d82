/**
 * The hook point for voice in XR: the voice feature (client/src/voice/) registers what it can do,
 * and the in-world talk panel and wrist menu show a push-to-talk and a mute button only when it
 * has. Nothing here imports the voice code, so XR never pulls it in by itself.
 */
export interface XRVoice {
  /** Starts listening for words to `agentId` (push-to-talk pressed). */
  startTalking(agentId: string): void;
  /** Push-to-talk released. */
  stopTalking(): void;
  /** Whether the microphone is muted, and a way to toggle it. */
  isMuted(): boolean;
  setMuted(muted: boolean): void;
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
