import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import { BufferAttribute, BufferGeometry, Color, Line, LineBasicMaterial, MeshBasicMaterial, RingGeometry, type Mesh } from "three";
import { aim } from "./rig-state";

const VALID = new Color("#22c55e");
const INVALID = new Color("#ef4444");
const ring = new RingGeometry(0.28, 0.4, 32).rotateX(-Math.PI / 2);

/** The teleport arc while aiming, and a ring where it lands: green where you may stand, red where not. */
export function TeleportArc() {
  const marker = useRef<Mesh>(null);
  const line = useMemo(() => {
    const geometry = new BufferGeometry();
    geometry.setAttribute("position", new BufferAttribute(aim.points, 3));
    const l = new Line(geometry, new LineBasicMaterial({ color: VALID, transparent: true, opacity: 0.9 }));
    l.frustumCulled = false;
    l.raycast = () => undefined;
    l.visible = false;
    return l;
  }, []);
  const markerMaterial = useMemo(() => new MeshBasicMaterial({ color: VALID, transparent: true, opacity: 0.9 }), []);
  useFrame(({ clock }) => {
    const m = marker.current;
    line.visible = aim.active;
    if (m) m.visible = aim.active;
    if (!aim.active || !m) return;
    const colour = aim.valid ? VALID : INVALID;
    (line.material as LineBasicMaterial).color.copy(colour);
    markerMaterial.color.copy(colour);
    line.geometry.setDrawRange(0, aim.count);
    (line.geometry.getAttribute("position") as BufferAttribute).needsUpdate = true;
    m.position.set(aim.x, 0.03, aim.z);
    m.scale.setScalar(aim.valid ? 1 + 0.08 * Math.sin(clock.elapsedTime * 8) : 0.7);
  });
  return (
    <>
      <primitive object={line} />
      <mesh ref={marker} geometry={ring} material={markerMaterial} visible={false} raycast={() => null} data-testid="teleport-marker" />
    </>
  );
}
