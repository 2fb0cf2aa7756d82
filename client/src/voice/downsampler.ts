import { VAD_FRAME_SAMPLES, VOICE_SAMPLE_RATE } from "../../../shared/voice";

/**
 * Turns microphone audio at the context's rate (44.1 or 48 kHz, usually) into 16 kHz frames of
 * 512 samples for the VAD, averaging the input samples that fall into each output sample
 * (a box filter: cheap, and enough anti-aliasing for speech detection and recognition).
 * Runs in the audio worklet, so it allocates only one array per finished frame.
 */
export class Downsampler {
  private readonly step: number;
  private pos = 0;
  private acc = 0;
  private count = 0;
  private frame = new Float32Array(VAD_FRAME_SAMPLES);
  private filled = 0;

  constructor(
    inputRate: number,
    private readonly emit: (frame: Float32Array) => void,
    outputRate = VOICE_SAMPLE_RATE,
  ) {
    this.step = inputRate / outputRate;
  }

  push(input: Float32Array): void {
    for (let i = 0; i < input.length; i++) {
      this.acc += input[i]!;
      this.count++;
      this.pos += 1;
      if (this.pos >= this.step) {
        this.pos -= this.step;
        this.frame[this.filled++] = this.acc / this.count;
        this.acc = 0;
        this.count = 0;
        if (this.filled === VAD_FRAME_SAMPLES) {
          this.emit(this.frame);
          this.frame = new Float32Array(VAD_FRAME_SAMPLES);
          this.filled = 0;
        }
      }
    }
  }
}
