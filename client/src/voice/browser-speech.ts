/**
 * The fallback voice when the server has no speech endpoint: the browser's own speechSynthesis.
 * Not positional; each agent gets a stable voice and pitch of its own from what the browser has.
 */

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

let speakingAgent: string | null = null;

export function browserSpeechAvailable(): boolean {
  return typeof window !== "undefined" && "speechSynthesis" in window && typeof SpeechSynthesisUtterance !== "undefined";
}

/** Says `text` as `agentId`, after what is already queued. */
export function speakInBrowser(agentId: string, text: string): void {
  if (!browserSpeechAvailable()) return;
  const u = new SpeechSynthesisUtterance(text);
  const voices = window.speechSynthesis.getVoices().filter((v) => v.lang.startsWith(navigator.language.slice(0, 2)) || v.default);
  const h = hash(agentId);
  if (voices.length > 0) u.voice = voices[h % voices.length]!;
  u.pitch = 0.8 + (h % 5) * 0.1;
  u.onstart = () => (speakingAgent = agentId);
  u.onend = () => {
    if (speakingAgent === agentId) speakingAgent = null;
  };
  window.speechSynthesis.speak(u);
}

/** The agent the browser is speaking for now, or null. */
export function browserSpeaking(): string | null {
  return browserSpeechAvailable() && window.speechSynthesis.speaking ? speakingAgent : null;
}

export function stopBrowserSpeech(): void {
  if (!browserSpeechAvailable()) return;
  window.speechSynthesis.cancel();
  speakingAgent = null;
}
