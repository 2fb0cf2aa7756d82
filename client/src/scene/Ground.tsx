import type { ThreeEvent } from "@react-three/fiber";
import { localPlayer } from "../engine/people";
import { TREE_BORDER } from "../engine/campus-layout";

/** A click that moved the pointer more than this (px) was a drag to look, not a click. */
const CLICK_SLOP_PX = 5;

/** Grass to the horizon; clicking it walks you there (clamped to the campus). */
export function Ground({ radius }: { radius: number }) {
  const onClick = (e: ThreeEvent<MouseEvent>) => {
    if (e.delta > CLICK_SLOP_PX) return;
    e.stopPropagation();
    localPlayer.walkTo(e.point.x, e.point.z);
  };
  return (
    <group>
      <mesh rotation-x={-Math.PI / 2} position-y={-0.02} onClick={onClick}>
        <circleGeometry args={[radius + TREE_BORDER + 120, 64]} />
        <meshLambertMaterial color="#9fc48a" />
      </mesh>
      {/* The walkable campus reads as a slightly brighter lawn. */}
      <mesh rotation-x={-Math.PI / 2} position-y={-0.01} raycast={() => null}>
        <ringGeometry args={[radius - 0.6, radius, 96]} />
        <meshBasicMaterial color="#7fa86c" />
      </mesh>
    </group>
  );
}
