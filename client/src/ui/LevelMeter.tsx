import { useEffect, useRef } from "react";
import { micLevel } from "../voice/voice-store";

/** The microphone's level as a bar, updated every animation frame through a ref (no React renders). */
export function LevelMeter() {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let raf = 0;
    const draw = () => {
      // rms of speech is ~0.02–0.2: a square-root scale makes quiet speech visible.
      const v = Math.min(1, Math.sqrt(micLevel.rms * 6));
      if (bar.current) bar.current.style.transform = `scaleX(${v.toFixed(3)})`;
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, []);
  return (
    <div className="level-meter" data-testid="mic-level" role="meter" aria-label="Microphone level">
      <div ref={bar} className="level-bar" />
    </div>
  );
}
