/**
 * The one door to the 3D scene chunk (three, @react-three/fiber, drei, troika). The app shell
 * loads it while the loading screen shows progress, so the first paint does not wait for it.
 */
export const loadSceneModule = () =>
  Promise.all([import("./CampusCanvas"), import("./preload-glyphs")]).then(([canvas, glyphs]) => ({
    CampusCanvas: canvas.CampusCanvas,
    preloadGlyphs: glyphs.preloadGlyphs,
  }));
