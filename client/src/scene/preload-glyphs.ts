import { preloadFont } from "troika-three-text";
import { PRELOAD_GLYPHS } from "../engine/assets";

/** Builds a font's glyph atlas ahead of time, so signs don't pop in. */
export function preloadGlyphs(font: string): Promise<void> {
  return new Promise((resolve) => preloadFont({ font, characters: PRELOAD_GLYPHS }, () => resolve()));
}
