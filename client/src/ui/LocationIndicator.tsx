import { useEffect, useState } from "react";
import type { District } from "../../../shared/world";
import { localPlayer } from "../engine/people";
import { useApp } from "../engine/store";

/** How often the "you are in" line checks where you stand (ms). Not per frame: React renders it. */
const CHECK_INTERVAL_MS = 250;

export function districtAt(x: number, z: number, districts: readonly District[]): District | null {
  for (const d of districts) if (Math.hypot(x - d.position[0], z - d.position[1]) <= d.radius) return d;
  return null;
}

/** Names the district you stand in, the plaza, or the grounds between them. */
export function LocationIndicator() {
  const world = useApp((s) => s.world);
  const [here, setHere] = useState<District | null>(null);
  const [onPlaza, setOnPlaza] = useState(true);
  useEffect(() => {
    if (!world) return;
    const t = setInterval(() => {
      const d = districtAt(localPlayer.pose.x, localPlayer.pose.z, world.districts);
      setHere((prev) => (prev?.id === d?.id ? prev : d));
      setOnPlaza(Math.hypot(localPlayer.pose.x, localPlayer.pose.z) <= world.plaza.radius);
    }, CHECK_INTERVAL_MS);
    return () => clearInterval(t);
  }, [world]);
  if (!world) return null;
  return (
    <div className="hud-panel hud-bottom-center" data-testid="location">
      {here ? (
        <>
          <span className="swatch" style={{ background: here.colour }} />
          {here.name}
        </>
      ) : (
        <>
          <span className="swatch" style={{ background: world.plaza.colour }} />
          {onPlaza ? "Central plaza" : "Campus grounds"}
        </>
      )}
    </div>
  );
}
