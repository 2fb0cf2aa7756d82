import type { ThreeEvent } from "@react-three/fiber";
import { useLayoutEffect, useMemo, useRef } from "react";
import { Color, InstancedMesh, MeshLambertMaterial, Object3D, type BufferGeometry, type Material } from "three";
import type { Part } from "./parts";

/** A click that moved the pointer more than this (px) was a drag to look, not a click. */
const CLICK_SLOP_PX = 5;

const dummy = new Object3D();
dummy.rotation.order = "YXZ";
const colour = new Color();

/** Instances are allocated in steps of this many, so a growing board rarely rebuilds its mesh. */
const CAPACITY_STEP = 256;

/**
 * Any number of coloured parts sharing one geometry, in one draw call. A click on a part with
 * an owner calls `onPick(owner)` (and stops there, so the ground does not also get it).
 * Parts change only when the work changes (React), never per frame.
 */
export function PickableInstances({
  geometry,
  parts,
  onPick,
  material,
}: {
  geometry: BufferGeometry;
  parts: readonly Part[];
  onPick?: (owner: string) => void;
  material?: Material;
}) {
  const ref = useRef<InstancedMesh>(null);
  const own = useMemo(() => material ?? new MeshLambertMaterial(), [material]);
  const capacity = Math.max(CAPACITY_STEP, Math.ceil(parts.length / CAPACITY_STEP) * CAPACITY_STEP);
  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    parts.forEach((p, i) => {
      dummy.position.set(p.x, p.y, p.z);
      dummy.rotation.set(0, p.rotY, p.angle);
      dummy.scale.set(p.sx, p.sy, p.sz);
      dummy.updateMatrix();
      mesh.setMatrixAt(i, dummy.matrix);
      mesh.setColorAt(i, colour.set(p.colour));
    });
    mesh.count = parts.length;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    mesh.computeBoundingBox();
  }, [parts, capacity]);
  const onClick = onPick
    ? (e: ThreeEvent<MouseEvent>) => {
        if (e.delta > CLICK_SLOP_PX || e.instanceId === undefined) return;
        const owner = parts[e.instanceId]?.owner;
        if (!owner) return;
        e.stopPropagation();
        onPick(owner);
      }
    : undefined;
  return (
    <instancedMesh
      key={capacity}
      ref={ref}
      args={[geometry, own, capacity]}
      onClick={onClick}
      {...(onPick ? {} : { raycast: () => null })}
      visible={parts.length > 0}
    />
  );
}
