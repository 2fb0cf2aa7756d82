import { useFrame } from "@react-three/fiber";
import { useRef } from "react";
import type { Mesh } from "three";
import { localPlayer } from "../engine/people";

/** A pulsing ring where a click on the ground sent you. */
export function WalkTarget() {
  const ref = useRef<Mesh>(null);
  useFrame(({ clock }) => {
    const m = ref.current;
    if (!m) return;
    const t = localPlayer.target;
    m.visible = t.active;
    if (!t.active) return;
    m.position.set(t.x, 0.05, t.z);
    m.scale.setScalar(1 + 0.15 * Math.sin(clock.elapsedTime * 6));
  });
  return (
    <mesh ref={ref} rotation-x={-Math.PI / 2} visible={false} raycast={() => null}>
      <ringGeometry args={[0.35, 0.5, 32]} />
      <meshBasicMaterial color="#ffffff" transparent opacity={0.85} />
    </mesh>
  );
}
