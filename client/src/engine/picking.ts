/**
 * Where clickable work objects are in the world, written by the scene whenever it lays them
 * out (not per frame). The end-to-end tests read them through the debug handle to click a
 * real card or panel on screen; nothing else needs them.
 */
export interface WorldPoint {
  x: number;
  y: number;
  z: number;
}

/** Centre of each task card's face, by task id. */
export const cardCentres = new Map<string, WorldPoint>();
/** Centre of each artifact panel on a wall, by artifact id. */
export const panelCentres = new Map<string, WorldPoint>();
