import { voice } from "../voice/voice-controller";
import { useVoice } from "../voice/voice-store";
import { LevelMeter } from "./LevelMeter";

const LABELS = { off: "Voice", asking: "Allow the microphone…", starting: "Starting…", on: "Mic on", denied: "Mic blocked", error: "Voice failed" } as const;

/** Turns the microphone on and off, switches push-to-talk / hands-free, and is the push-to-talk button. */
export function MicButton() {
  const mic = useVoice((s) => s.mic);
  const mode = useVoice((s) => s.mode);
  const held = useVoice((s) => s.pttHeld);
  const speaking = useVoice((s) => s.userSpeaking);
  const sending = useVoice((s) => s.sending);
  const on = mic === "on";
  const state = !on ? mic : sending ? "sending" : held || speaking ? "hearing" : mode === "ptt" ? "ready" : "listening";
  return (
    <div className="mic-row">
      <button
        className={`mic-button ${on ? "on" : ""} ${held || speaking ? "hot" : ""}`}
        data-testid="mic-button"
        data-state={state}
        aria-pressed={on}
        title={on ? "Turn the microphone off" : "Turn the microphone on (or hold V)"}
        onClick={() => (on ? voice.disable() : void voice.enable())}
      >
        <span aria-hidden>🎙</span> {LABELS[mic]}
      </button>
      {on && (
        <>
          <LevelMeter />
          <div className="mode-switch" role="radiogroup" aria-label="How to talk">
            <button role="radio" aria-checked={mode === "ptt"} data-testid="mode-ptt" className={mode === "ptt" ? "active" : ""} onClick={() => voice.setMode("ptt")}>
              Hold V
            </button>
            <button role="radio" aria-checked={mode === "handsfree"} data-testid="mode-handsfree" className={mode === "handsfree" ? "active" : ""} onClick={() => voice.setMode("handsfree")}>
              Hands-free
            </button>
          </div>
          {mode === "ptt" && (
            <button
              className="ptt-button"
              data-testid="ptt-button"
              onPointerDown={() => voice.pttDown()}
              onPointerUp={() => voice.pttUp()}
              onPointerLeave={() => voice.pttUp()}
            >
              {held ? "Release to send" : "Hold to talk"}
            </button>
          )}
        </>
      )}
    </div>
  );
}
