import workletUrl from "./capture-worklet.ts?worker&url";
import { micLevel } from "./voice-store";

/** Why the microphone could not be opened, in words a person can act on. */
export class MicrophoneError extends Error {
  constructor(
    message: string,
    readonly denied: boolean,
  ) {
    super(message);
  }
}

export interface Microphone {
  /** The worklet's frame port: hand it to the VAD worker. */
  frames: MessagePort;
  sampleRate: number;
  close(): void;
}

function explain(err: unknown): MicrophoneError {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return new MicrophoneError("Microphone access was denied. Allow it for this site (the icon at the left of the address bar), then press the mic button again. Typing still works: press T.", true);
  if (name === "NotFoundError" || name === "OverconstrainedError") return new MicrophoneError("No microphone was found. Plug one in, or type instead: press T.", false);
  if (name === "NotReadableError" || name === "AbortError") return new MicrophoneError("The microphone is busy or failed (another app may be using it). Close that app and try again.", false);
  return new MicrophoneError(`The microphone could not be opened: ${err instanceof Error ? err.message : String(err)}`, false);
}

/**
 * Opens the microphone (the browser asks for permission) and starts the capture worklet: level
 * for the meter, 16 kHz frames on a MessagePort for the VAD worker.
 */
export async function openMicrophone(): Promise<Microphone> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError("Voice needs a secure page (https://, or http://localhost). Open Atrium that way, or type instead: press T.", false);
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
  } catch (err) {
    throw explain(err);
  }
  const ctx = new AudioContext();
  try {
    await ctx.audioWorklet.addModule(workletUrl);
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "atrium-capture", { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
    const mute = ctx.createGain();
    mute.gain.value = 0;
    source.connect(node).connect(mute).connect(ctx.destination); // keeps the worklet pulled, silently
    node.port.onmessage = (e: MessageEvent<{ type: string; rms: number; peak: number }>) => {
      if (e.data.type !== "level") return;
      micLevel.rms = e.data.rms;
      micLevel.peak = e.data.peak;
    };
    const channel = new MessageChannel();
    node.port.postMessage({ type: "frames", port: channel.port1 }, [channel.port1]);
    if (ctx.state === "suspended") await ctx.resume();
    return {
      frames: channel.port2,
      sampleRate: ctx.sampleRate,
      close() {
        for (const t of stream.getTracks()) t.stop();
        node.port.onmessage = null;
        void ctx.close();
        micLevel.rms = 0;
        micLevel.peak = 0;
      },
    };
  } catch (err) {
    for (const t of stream.getTracks()) t.stop();
    void ctx.close();
    throw new MicrophoneError(`Voice capture could not start: ${err instanceof Error ? err.message : String(err)}`, false);
  }
}
