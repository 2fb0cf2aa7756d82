/** The parts of troika-three-text (drei's text engine) that the app uses directly. */
declare module "troika-three-text" {
  import type { Mesh } from "three";
  export function preloadFont(options: { font?: string; characters?: string | string[]; sdfGlyphSize?: number }, callback: () => void): void;
  /** Draws every Text added as a direct child in one draw call (WebGL2). */
  export class BatchedText extends Mesh {}
}
