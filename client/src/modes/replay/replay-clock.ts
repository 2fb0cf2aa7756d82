import { REPLAY_SPEEDS } from "../../../../shared/replay";

export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** How far the arrow keys move the cursor (ms); with Shift, REPLAY_BIG_STEP_MS. */
export const REPLAY_STEP_MS = 5_000;
export const REPLAY_BIG_STEP_MS = 30_000;

/**
 * The replay's playback cursor: a time in [from, to] that advances at `speed` while playing.
 * Plain object, no React: the map reads `t` every frame; the UI copies it at a lower rate.
 */
export class ReplayClock {
  t: number;
  playing = false;
  speed: ReplaySpeed = 1;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    this.t = from;
  }

  /** Moves the cursor by `realMs` of wall time at the current speed; stops at the end. */
  advance(realMs: number): void {
    if (!this.playing) return;
    this.t = Math.min(this.to, this.t + Math.max(0, realMs) * this.speed);
    if (this.t >= this.to) this.playing = false;
  }

  seek(t: number): void {
    this.t = Math.min(this.to, Math.max(this.from, t));
  }

  /** Plays from here, or from the start when at the end. */
  play(): void {
    if (this.t >= this.to) this.t = this.from;
    this.playing = this.to > this.from;
  }

  toggle(): void {
    if (this.playing) this.playing = false;
    else this.play();
  }

  setSpeed(speed: ReplaySpeed): void {
    this.speed = speed;
  }

  /** 0..1 through the window. */
  get progress(): number {
    return this.to > this.from ? (this.t - this.from) / (this.to - this.from) : 1;
  }
}
