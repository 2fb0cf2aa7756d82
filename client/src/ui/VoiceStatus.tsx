import { voice } from "../voice/voice-controller";
import { useVoice } from "../voice/voice-store";

const OUTPUT = { server: "Agent voices: server speech", browser: "Agent voices: browser speech", text: "Agent voices: text only" } as const;

/** Which voice agents speak with (server speech, browser speech or text), the VAD's execution provider, and the last message. */
export function VoiceStatus() {
  const output = useVoice((s) => s.output);
  const note = useVoice((s) => s.outputNote);
  const listen = useVoice((s) => s.listen);
  const vad = useVoice((s) => s.vad);
  const message = useVoice((s) => s.message);
  return (
    <div className="voice-status">
      <label className="small" title={note}>
        <input type="checkbox" checked={listen} data-testid="hear-agents" onChange={(e) => voice.setListen(e.target.checked)} />{" "}
        <span data-testid="voice-output" data-mode={output}>
          {OUTPUT[output]}
        </span>
      </label>
      <div className="muted small" data-testid="voice-output-note">
        {note}
      </div>
      {vad && (
        <div className="muted small" data-testid="vad-provider" data-ep={vad.ep}>
          On-device voice detection: {vad.ep}, {vad.msPerFrame.toFixed(2)} ms per 32 ms frame
          {vad.providers.length > 1 && (
            <select value={vad.ep} aria-label="Execution provider" onChange={(e) => void voice.useProvider(e.target.value as typeof vad.ep)}>
              {vad.providers.map((p) => (
                <option key={p.ep} value={p.ep}>
                  {p.ep} ({p.msPerFrame.toFixed(2)} ms)
                </option>
              ))}
            </select>
          )}
        </div>
      )}
      {message && (
        <div className={`voice-message ${message.kind}`} data-testid="voice-message" data-kind={message.kind} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </div>
      )}
    </div>
  );
}
