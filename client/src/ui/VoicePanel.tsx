import { useEffect } from "react";
import { exposeVoiceDebug, voice } from "../voice/voice-controller";
import { MicButton } from "./MicButton";
import { VoiceStatus } from "./VoiceStatus";

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

/**
 * The desktop voice HUD: microphone, push-to-talk (hold V) or hands-free, the level meter, and
 * how agents' voices are heard. A lazy chunk of its own; the VAD and ONNX Runtime load only when
 * the microphone is turned on.
 */
export default function VoicePanel() {
  useEffect(() => {
    voice.start();
    exposeVoiceDebug();
    const down = (e: KeyboardEvent) => {
      if ((e.key === "v" || e.key === "V") && !e.repeat && !typing(e) && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        voice.pttDown();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === "v" || e.key === "V") voice.pttUp();
    };
    const blur = () => voice.pttUp();
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, []);
  return (
    <section className="hud-panel voice-panel" data-testid="voice-panel" aria-label="Voice">
      <MicButton />
      <VoiceStatus />
    </section>
  );
}
