/** Files the app serves itself (from assets/) and needs before the campus can be drawn. */
export const FONT_REGULAR = "/fonts/inter-latin-400-normal.woff";
export const FONT_BOLD = "/fonts/inter-latin-700-normal.woff";

export const PRELOAD_FILES: readonly string[] = [FONT_REGULAR, FONT_BOLD];

/** Characters to pre-build glyphs for, so signs don't pop in. */
export const PRELOAD_GLYPHS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;!?'’-—·/()&";
