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
        <svg className="mic-icon" aria-hidden viewBox="0 0 16 16" width="14" height="14">
          {/* An inline icon: an emoji needs a colour-emoji font, which many machines lack. */}
          <rect x="5.5" y="1.5" width="5" height="8.5" rx="2.5" fill="currentColor" />
          <path d="M3.5 7.5a4.5 4.5 0 0 0 9 0M8 12v2.5M5.5 14.5h5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
        </svg>{" "}
        {LABELS[mic]}
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
