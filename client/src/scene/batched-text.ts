import { extend, type ThreeElement } from "@react-three/fiber";
import { Color, LinearSRGBColorSpace } from "three";
import { BatchedText } from "troika-three-text";

/**
 * Registers troika's BatchedText as <batchedText>: every troika Text that is a direct child is
 * drawn in one draw call (WebGL2). Import this module for its side effect.
 */
extend({ BatchedText });
declare module "@react-three/fiber" {
  interface ThreeElements {
    batchedText: ThreeElement<typeof BatchedText>;
  }
}

const linear = new Map<string, number>();
/**
 * The colour to give a BatchedText member so it shows as `hex`. BatchedText packs each
 * member's colour as an sRGB hex and its shader reads that as linear, which washes dark text
 * out to grey; handing it the linear value instead puts the intended colour on screen.
 */
export function batchColour(hex: string): number {
  let v = linear.get(hex);
  if (v === undefined) linear.set(hex, (v = new Color(hex).getHex(LinearSRGBColorSpace)));
  return v;
}
