import { useLayoutEffect, useMemo, useRef } from "react";
import { CircleGeometry, Color, InstancedMesh, MeshLambertMaterial, Object3D, RingGeometry } from "three";
import type { District } from "../../../shared/world";

const pad = new CircleGeometry(1, 64).rotateX(-Math.PI / 2);
const rim = new RingGeometry(0.962, 1, 64).rotateX(-Math.PI / 2);
const dummy = new Object3D();
const colour = new Color();
const white = new Color("#ffffff");

/** Each district's ground zone (a tinted disc) and its coloured rim: two draw calls in all. */
export function DistrictZones({ districts }: { districts: readonly District[] }) {
  const pads = useRef<InstancedMesh>(null);
  const rims = useRef<InstancedMesh>(null);
  const material = useMemo(() => new MeshLambertMaterial(), []);
  useLayoutEffect(() => {
    const p = pads.current;
    const r = rims.current;
    if (!p || !r) return;
    districts.forEach((d, i) => {
      dummy.position.set(d.position[0], 0.015, d.position[1]);
      dummy.scale.setScalar(d.radius);
      dummy.updateMatrix();
      p.setMatrixAt(i, dummy.matrix);
      p.setColorAt(i, colour.set(d.colour).lerp(white, 0.55));
      dummy.position.y = 0.025;
      dummy.updateMatrix();
      r.setMatrixAt(i, dummy.matrix);
      r.setColorAt(i, colour.set(d.colour));
    });
    for (const m of [p, r]) {
      m.count = districts.length;
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
      m.computeBoundingSphere();
    }
  }, [districts]);
  return (
    <>
      <instancedMesh ref={pads} args={[pad, material, districts.length]} raycast={() => null} />
      <instancedMesh ref={rims} args={[rim, material, districts.length]} raycast={() => null} />
    </>
  );
}
