import { useLayoutEffect, useMemo, useRef } from "react";
import { ConeGeometry, CylinderGeometry, InstancedMesh, MeshLambertMaterial, Object3D } from "three";
import type { Tree } from "../engine/campus-layout";

const crown = new ConeGeometry(1.4, 3.6, 7).translate(0, 3.3, 0);
const trunk = new CylinderGeometry(0.18, 0.25, 1.6, 6).translate(0, 0.8, 0);
const dummy = new Object3D();

/** The park around and between the districts: two draw calls for every tree. */
export function Trees({ trees }: { trees: readonly Tree[] }) {
  const crowns = useRef<InstancedMesh>(null);
  const trunks = useRef<InstancedMesh>(null);
  const crownMaterial = useMemo(() => new MeshLambertMaterial({ color: "#4d8a4f" }), []);
  const trunkMaterial = useMemo(() => new MeshLambertMaterial({ color: "#7a5b3e" }), []);
  useLayoutEffect(() => {
    const c = crowns.current;
    const t = trunks.current;
    if (!c || !t) return;
    trees.forEach((tree, i) => {
      dummy.position.set(tree.x, 0, tree.z);
      dummy.rotation.set(0, tree.x * 7.3 + tree.z, 0);
      dummy.scale.setScalar(tree.scale);
      dummy.updateMatrix();
      c.setMatrixAt(i, dummy.matrix);
      t.setMatrixAt(i, dummy.matrix);
    });
    for (const m of [c, t]) {
      m.count = trees.length;
      m.instanceMatrix.needsUpdate = true;
      m.computeBoundingSphere();
    }
  }, [trees]);
  return (
    <>
      <instancedMesh ref={crowns} args={[crown, crownMaterial, Math.max(1, trees.length)]} raycast={() => null} />
      <instancedMesh ref={trunks} args={[trunk, trunkMaterial, Math.max(1, trees.length)]} raycast={() => null} />
    </>
  );
}
