import type * as Ort from "onnxruntime-web";
import { VAD_FRAME_SAMPLES, VOICE_SAMPLE_RATE } from "../../../shared/voice";

/** Samples of the previous frame silero v5 sees with each new one (as @ricky0123/vad-web feeds it). */
const CONTEXT_SAMPLES = 64;

/**
 * The silero VAD v5 model (from @ricky0123/vad-web's package files) in an onnxruntime-web
 * session: one speech probability per 512-sample frame, carrying its recurrent state.
 */
export class Silero {
  private state: Ort.Tensor;
  private readonly input = new Float32Array(CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
  private readonly sr: Ort.Tensor;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
  ) {
    this.sr = new ort.Tensor("int64", BigInt64Array.from([BigInt(VOICE_SAMPLE_RATE)]), []);
    this.state = this.zeroState();
  }

  static async create(ort: typeof Ort, model: ArrayBuffer, ep: "wasm" | "webgpu"): Promise<Silero> {
    const session = await ort.InferenceSession.create(new Uint8Array(model), { executionProviders: [ep], graphOptimizationLevel: "all" });
    return new Silero(ort, session);
  }

  private zeroState(): Ort.Tensor {
    return new this.ort.Tensor("float32", new Float32Array(2 * 128), [2, 1, 128]);
  }

  reset(): void {
    this.state = this.zeroState();
    this.input.fill(0);
  }

  /** Speech probability of one 512-sample frame. */
  async process(frame: Float32Array): Promise<number> {
    this.input.set(frame, CONTEXT_SAMPLES);
    const x = new this.ort.Tensor("float32", this.input.slice(), [1, this.input.length]);
    // The last 64 samples become the next frame's context.
    this.input.copyWithin(0, VAD_FRAME_SAMPLES);
    const out = await this.session.run({ input: x, state: this.state, sr: this.sr });
    const next = out.stateN;
    const prob = out.output?.data[0];
    if (!next || typeof prob !== "number") throw new Error("the VAD model answered without output or state");
    this.state = next;
    return prob;
  }
}
