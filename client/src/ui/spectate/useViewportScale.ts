import { useEffect, useState } from "react";

/** The dashboard is designed at this size; text scales with the viewport from it. */
export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

/** 1 at 1920×1080, 2 at 3840×2160 (the smaller of the two ratios), kept between 0.6 and 3. */
export function viewportScale(width: number, height: number): number {
  return Math.min(3, Math.max(0.6, Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT)));
}

export function useViewportScale(): number {
  const [scale, setScale] = useState(() => viewportScale(window.innerWidth, window.innerHeight));
  useEffect(() => {
    const onResize = () => setScale(viewportScale(window.innerWidth, window.innerHeight));
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  return scale;
}
