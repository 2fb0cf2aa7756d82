import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import { BoxGeometry, CapsuleGeometry, Color, ConeGeometry, InstancedMesh, MeshLambertMaterial, Object3D, SphereGeometry, Vector3, type Group } from "three";
import { useShallow } from "zustand/react/shallow";
import type { XRBody } from "../../../shared/pose-wire";
import { HAND_LEFT, HAND_RIGHT } from "../../../shared/state";
import type { Pose } from "../engine/interpolation";
import { localPlayer, remotePoses, renderedPoses } from "../engine/people";
import { localBody, remoteBodies } from "../engine/xr-body";
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
/** A VR person's hand or controller: a small block held forward. */
const hand = new BoxGeometry(0.09, 0.06, 0.16);
/** An AR person's marker: a pin pointing down at where they look from. */
const marker = new ConeGeometry(0.28, 0.7, 12).rotateX(Math.PI).translate(0, 0.35, 0);
/** A VR head is drawn smaller than a desktop avatar's, so it reads as a head-mounted display. */
const VR_HEAD_SCALE = 0.72;
/** Height of an AR marker's tip above the ground, and its bobbing (m). */
const MARKER_Y = 1.7;
const MARKER_BOB = 0.08;

// Frame-loop scratch: nothing below allocates per frame.
const dummy = new Object3D();
dummy.rotation.order = "YXZ";
const scratch: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };
const eye = new Vector3();
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

const selfBody: XRBody = { headY: 1.6, hands: 0, leftX: 0, leftY: 0, leftZ: 0, rightX: 0, rightY: 0, rightZ: 0 };
function bodyOf(id: string, self: boolean): XRBody | undefined {
  if (!self) return remoteBodies.get(id);
  const b = localBody;
  selfBody.headY = b.headY;
  selfBody.hands = b.active ? b.hands : 0;
  selfBody.leftX = b.left[0];
  selfBody.leftY = b.left[1];
  selfBody.leftZ = b.left[2];
  selfBody.rightX = b.right[0];
  selfBody.rightY = b.right[1];
  selfBody.rightZ = b.right[2];
  return selfBody;
}

/**
 * Everyone in the workspace, drawn with five instanced meshes so the draw calls do not grow with
 * the number of people: desktop people as a body, head and visor; VR people as a head (at their
 * real eye height, tilted as they look) and two hands or controllers; AR people as a marker pin.
 * Remote people are sampled from their snapshot buffers a little in the past, so motion is
 * smooth between patches.
 */
export function People() {
  const bodies = useRef<InstancedMesh>(null);
  const heads = useRef<InstancedMesh>(null);
  const visors = useRef<InstancedMesh>(null);
  const handsRef = useRef<InstancedMesh>(null);
  const markers = useRef<InstancedMesh>(null);
  const bodyMaterial = useMemo(() => new MeshLambertMaterial(), []);
  const visorMaterial = useMemo(() => new MeshLambertMaterial({ color: "#1e293b" }), []);
  const ids = useApp(useShallow((s) => Object.keys(s.people)));

  useFrame(({ camera, clock }) => {
    const b = bodies.current;
    const h = heads.current;
    const v = visors.current;
    const hm = handsRef.current;
    const mk = markers.current;
    if (!b || !h || !v || !hm || !mk) return;
    const now = performance.now();
    const { people, selfId } = appStore.getState();
    // The eye in the campus: in XR the camera sits under the moving rig, so use its world matrix.
    eye.setFromMatrixPosition(camera.matrixWorld);
    let n = 0; // heads and visors
    let nb = 0; // desktop bodies
    let nh = 0; // hands
    let nm = 0; // AR markers
    labels.begin();
    for (const id in people) {
      if (n >= MAX_PEOPLE) break;
      const meta = people[id]!;
      const self = id === selfId;
      let pose: Pose;
      if (self) pose = localPlayer.pose;
      else if (remotePoses.get(id)?.sampleNow(now, scratch)) pose = scratch;
      else continue;

      let drawn = renderedPoses.get(id);
      if (!drawn) renderedPoses.set(id, (drawn = { x: 0, z: 0, yaw: 0, pitch: 0 }));
      drawn.x = pose.x;
      drawn.z = pose.z;
      drawn.yaw = pose.yaw;
      drawn.pitch = pose.pitch;

      // A camera inside your own head (a "fly there" view, or a headset) would see the inside of the avatar.
      if (self && (localBody.active || Math.hypot(pose.x - eye.x, pose.z - eye.z) < SELF_HIDE_DISTANCE)) {
        const label = labelAnchors.get(id);
        if (label) label.visible = false;
        continue;
      }

      const colour = meta.connected ? colourOf(meta.colour) : DISCONNECTED;
      let labelY = LABEL_Y;
      if (meta.mode === "ar") {
        const bob = MARKER_Y + Math.sin(clock.elapsedTime * 2.5 + id.length) * MARKER_BOB;
        dummy.position.set(pose.x, bob, pose.z);
        dummy.rotation.set(0, clock.elapsedTime, 0);
        dummy.scale.setScalar(1);
        dummy.updateMatrix();
        mk.setMatrixAt(nm, dummy.matrix);
        mk.setColorAt(nm, colour);
        nm++;
        labelY = bob + 0.95;
      } else if (meta.mode === "vr") {
        const body = bodyOf(id, self);
        const headY = body && body.headY > 0.3 ? body.headY : HEAD_Y;
        dummy.position.set(pose.x, headY, pose.z);
        dummy.rotation.set(pose.pitch, pose.yaw, 0);
        dummy.scale.setScalar(VR_HEAD_SCALE);
        dummy.updateMatrix();
        h.setMatrixAt(n, dummy.matrix);
        h.setColorAt(n, colour);
        v.setMatrixAt(n, dummy.matrix);
        n++;
        dummy.scale.setScalar(1);
        if (body && body.hands & HAND_LEFT) {
          dummy.position.set(pose.x + body.leftX, body.leftY, pose.z + body.leftZ);
          dummy.rotation.set(0, pose.yaw, 0);
          dummy.updateMatrix();
          hm.setMatrixAt(nh, dummy.matrix);
          hm.setColorAt(nh, colour);
          nh++;
        }
        if (body && body.hands & HAND_RIGHT) {
          dummy.position.set(pose.x + body.rightX, body.rightY, pose.z + body.rightZ);
          dummy.rotation.set(0, pose.yaw, 0);
          dummy.updateMatrix();
          hm.setMatrixAt(nh, dummy.matrix);
          hm.setColorAt(nh, colour);
          nh++;
        }
        labelY = headY + 0.45;
      } else {
        dummy.position.set(pose.x, 0, pose.z);
        dummy.rotation.set(0, pose.yaw, 0);
        dummy.scale.setScalar(1);
        dummy.updateMatrix();
        b.setMatrixAt(nb, dummy.matrix);
        b.setColorAt(nb, colour);
        nb++;

        dummy.position.y = HEAD_Y;
        dummy.rotation.set(pose.pitch, pose.yaw, 0);
        dummy.updateMatrix();
        h.setMatrixAt(n, dummy.matrix);
        h.setColorAt(n, colour);
        v.setMatrixAt(n, dummy.matrix);
        n++;
      }

      labelAnchors.get(id)?.position.set(pose.x, labelY, pose.z);
      labels.offer(id, Math.hypot(pose.x - eye.x, pose.z - eye.z));
    }
    labels.apply(labelAnchors);
    finish(b, nb);
    finish(h, n);
    finish(v, n);
    finish(hm, nh);
    finish(mk, nm);
    if (renderedPoses.size > n + nm) {
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
      <instancedMesh ref={handsRef} args={[hand, bodyMaterial, MAX_PEOPLE * 2]} frustumCulled={false} raycast={() => null} visible={false} />
      <instancedMesh ref={markers} args={[marker, bodyMaterial, MAX_PEOPLE]} frustumCulled={false} raycast={() => null} visible={false} />
      {ids.map((id) => (
        <NameLabel key={id} id={id} anchors={labelAnchors} />
      ))}
    </>
  );
}

/** Sets an instanced mesh's count; one with nothing to draw is hidden, so it costs no draw call. */
function finish(m: InstancedMesh, count: number): void {
  m.count = count;
  m.visible = count > 0;
  m.instanceMatrix.needsUpdate = true;
  if (m.instanceColor) m.instanceColor.needsUpdate = true;
}
