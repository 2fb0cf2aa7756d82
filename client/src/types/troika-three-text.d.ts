/** The part of troika-three-text (drei's text engine) that the loader calls directly. */
declare module "troika-three-text" {
  export function preloadFont(options: { font?: string; characters?: string | string[]; sdfGlyphSize?: number }, callback: () => void): void;
}
