/**
 * Voice: tunables shared by client and server, and the 16-bit PCM WAV format utterances travel
 * in. Plain code with no dependencies, so the client, the server, the fake upstream and the
 * bench can all use it.
 */

/** Sample rate the VAD runs at and utterances are sent at (Hz). Whisper wants 16 kHz too. */
export const VOICE_SAMPLE_RATE = 16_000;
/** Samples per VAD frame: 512 at 16 kHz = 32 ms (silero v5's frame). */
export const VAD_FRAME_SAMPLES = 512;
/** Longest utterance the server takes (s); longer ones get a clear "too long" error. */
export const MAX_UTTERANCE_S = 30;
/** Shortest utterance worth transcribing (ms); shorter ones are refused as "too short". */
export const MIN_UTTERANCE_MS = 200;
/** Largest utterance upload (bytes): 30 s of 16 kHz 16-bit mono plus header and slack. */
export const MAX_UTTERANCE_BYTES = 1_000_000;
/** People within this distance of a speaking agent hear it (m). */
export const HEARING_RADIUS_M = 20;
/** Largest audio clip the server accepts from the speech endpoint for one sentence (bytes). */
export const MAX_TTS_CLIP_BYTES = 2_000_000;

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel. */
  frames: number;
  durationS: number;
  /** Byte offset and length of the PCM data. */
  dataOffset: number;
  dataBytes: number;
}

export class WavError extends Error {
  override name = "WavError";
}

/** Encodes mono float samples in [-1, 1] as a 16-bit PCM WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, s: string) => {
    for (let i = 0; i < s.length; i++) bytes[offset + i] = s.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return bytes;
}

/**
 * Reads a WAV header and checks that it is 16-bit PCM that holds what it says. Throws a
 * WavError with a sentence a person can read when it is not.
 */
export function parseWav(bytes: Uint8Array): WavInfo {
  if (bytes.byteLength < 44) throw new WavError(`audio is not a WAV file (${bytes.byteLength} bytes is too short for a header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new WavError("audio is not a WAV file (no RIFF/WAVE header)");
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > bytes.byteLength) throw new WavError("audio has a broken WAV format chunk");
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      if (!fmt) throw new WavError("audio has its WAV data before its format chunk");
      if (fmt.format !== 1 || fmt.bitsPerSample !== 16) throw new WavError("audio must be 16-bit PCM WAV");
      if (fmt.channels < 1 || fmt.channels > 2) throw new WavError(`audio must be mono or stereo, not ${fmt.channels} channels`);
      if (fmt.sampleRate < 8000 || fmt.sampleRate > 48000) throw new WavError(`audio sample rate ${fmt.sampleRate} Hz is outside 8000–48000 Hz`);
      const available = bytes.byteLength - body;
      if (size > available) throw new WavError(`audio is cut short: its WAV header promises ${size} bytes of samples, ${available} arrived`);
      const frameBytes = fmt.channels * 2;
      if (size % frameBytes !== 0) throw new WavError("audio has a partial sample at its end");
      const frames = size / frameBytes;
      return {
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        bitsPerSample: 16,
        frames,
        durationS: frames / fmt.sampleRate,
        dataOffset: body,
        dataBytes: size,
      };
    }
    offset = body + size + (size % 2);
  }
  throw new WavError("audio has no WAV data chunk");
}

/** The samples of a mono 16-bit WAV as floats in [-1, 1] (the first channel of a stereo one). */
export function wavSamples(bytes: Uint8Array, info: WavInfo = parseWav(bytes)): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(info.frames);
  const stride = info.channels * 2;
  for (let i = 0; i < info.frames; i++) out[i] = view.getInt16(info.dataOffset + i * stride, true) / 0x8000;
  return out;
}
