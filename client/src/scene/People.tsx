import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import { BoxGeometry, CapsuleGeometry, Color, InstancedMesh, MeshLambertMaterial, Object3D, SphereGeometry, type Group } from "three";
import { useShallow } from "zustand/react/shallow";
import { INTERPOLATION_DELAY_MS } from "../../../shared/constants";
import type { Pose } from "../engine/interpolation";
import { localPlayer, remotePoses, renderedPoses } from "../engine/people";
import { appStore, useApp } from "../engine/store";
import { LabelBudget } from "./label-budget";
import { NameLabel } from "./NameLabel";

/** Most avatars drawn at once; the instanced meshes are sized for this. */
export const MAX_PEOPLE = 512;
const HEAD_Y = 1.62;
const LABEL_Y = 2.15;
const DISCONNECTED = new Color("#9aa3ab");
/** Your own avatar is not drawn while the camera is this close to it (m). */
const SELF_HIDE_DISTANCE = 0.9;

const body = new CapsuleGeometry(0.32, 0.8, 4, 12).translate(0, 0.72, 0);
const head = new SphereGeometry(0.26, 16, 12);
const visor = new BoxGeometry(0.34, 0.1, 0.1).translate(0, 0.03, -0.24);

// Frame-loop scratch: nothing below allocates per frame.
const dummy = new Object3D();
dummy.rotation.order = "YXZ";
const scratch: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };
const colours = new Map<string, Color>();
function colourOf(hex: string): Color {
  let c = colours.get(hex);
  if (!c) colours.set(hex, (c = new Color(hex)));
  return c;
}

/** Label groups by person id; People moves them with the avatars. */
const labelAnchors = new Map<string, Group>();
/** Name labels shown at once: the people nearest the camera (see LabelBudget). */
export const MAX_PEOPLE_LABELS = 10;
const labels = new LabelBudget(MAX_PEOPLE_LABELS);

/**
 * Everyone in the workspace, drawn with three instanced meshes (body, head, visor) so the
 * draw calls do not grow with the number of people. Remote people are sampled from their
 * snapshot buffers a little in the past, so motion is smooth between patches.
 */
export function People() {
  const bodies = useRef<InstancedMesh>(null);
  const heads = useRef<InstancedMesh>(null);
  const visors = useRef<InstancedMesh>(null);
  const bodyMaterial = useMemo(() => new MeshLambertMaterial(), []);
  const visorMaterial = useMemo(() => new MeshLambertMaterial({ color: "#1e293b" }), []);
  const ids = useApp(useShallow((s) => Object.keys(s.people)));

  useFrame(({ camera }) => {
    const b = bodies.current;
    const h = heads.current;
    const v = visors.current;
    if (!b || !h || !v) return;
    const renderAt = performance.now() - INTERPOLATION_DELAY_MS;
    const { people, selfId } = appStore.getState();
    let n = 0;
    labels.begin();
    for (const id in people) {
      if (n >= MAX_PEOPLE) break;
      const meta = people[id]!;
      let pose: Pose;
      if (id === selfId) pose = localPlayer.pose;
      else if (remotePoses.get(id)?.sample(renderAt, scratch)) pose = scratch;
      else continue;

      let drawn = renderedPoses.get(id);
      if (!drawn) renderedPoses.set(id, (drawn = { x: 0, z: 0, yaw: 0, pitch: 0 }));
      drawn.x = pose.x;
      drawn.z = pose.z;
      drawn.yaw = pose.yaw;
      drawn.pitch = pose.pitch;

      // A camera inside your own head (a "fly there" view) would see the inside of the avatar.
      if (id === selfId && Math.hypot(pose.x - camera.position.x, pose.z - camera.position.z) < SELF_HIDE_DISTANCE) {
        const label = labelAnchors.get(id);
        if (label) label.visible = false;
        continue;
      }

      const colour = meta.connected ? colourOf(meta.colour) : DISCONNECTED;
      dummy.position.set(pose.x, 0, pose.z);
      dummy.rotation.set(0, pose.yaw, 0);
      dummy.updateMatrix();
      b.setMatrixAt(n, dummy.matrix);
      b.setColorAt(n, colour);

      dummy.position.y = HEAD_Y;
      dummy.rotation.set(pose.pitch, pose.yaw, 0);
      dummy.updateMatrix();
      h.setMatrixAt(n, dummy.matrix);
      h.setColorAt(n, colour);
      v.setMatrixAt(n, dummy.matrix);

      labelAnchors.get(id)?.position.set(pose.x, LABEL_Y, pose.z);
      labels.offer(id, Math.hypot(pose.x - camera.position.x, pose.z - camera.position.z));
      n++;
    }
    labels.apply(labelAnchors);
    for (const m of [b, h, v]) {
      m.count = n;
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
    }
    if (renderedPoses.size > n) {
      for (const id of renderedPoses.keys()) {
        if (id in people) continue;
        renderedPoses.delete(id);
        labels.forget(id);
      }
    }
  });

  return (
    <>
      <instancedMesh ref={bodies} args={[body, bodyMaterial, MAX_PEOPLE]} frustumCulled={false} raycast={() => null} />
      <instancedMesh ref={heads} args={[head, bodyMaterial, MAX_PEOPLE]} frustumCulled={false} raycast={() => null} />
      <instancedMesh ref={visors} args={[visor, visorMaterial, MAX_PEOPLE]} frustumCulled={false} raycast={() => null} />
      {ids.map((id) => (
        <NameLabel key={id} id={id} anchors={labelAnchors} />
      ))}
    </>
  );
}
