import { useLayoutEffect, useMemo, useRef } from "react";
import { BoxGeometry, Color, InstancedMesh, MeshLambertMaterial, Object3D } from "three";
import type { Box } from "../engine/campus-layout";

const unitBox = new BoxGeometry(1, 1, 1);
const dummy = new Object3D();
const colour = new Color();

/** Any number of coloured boxes in one draw call. */
export function InstancedBoxes({ boxes }: { boxes: readonly Box[] }) {
  const ref = useRef<InstancedMesh>(null);
  const material = useMemo(() => new MeshLambertMaterial(), []);
  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    boxes.forEach((b, i) => {
      dummy.position.set(b.x, b.y, b.z);
      dummy.rotation.set(0, b.rotY, 0);
      dummy.scale.set(b.w, b.h, b.d);
      dummy.updateMatrix();
      mesh.setMatrixAt(i, dummy.matrix);
      mesh.setColorAt(i, colour.set(b.colour));
    });
    mesh.count = boxes.length;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
  }, [boxes]);
  return <instancedMesh ref={ref} args={[unitBox, material, Math.max(1, boxes.length)]} raycast={() => null} />;
}
