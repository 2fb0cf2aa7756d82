import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import {
  BoxGeometry,
  CapsuleGeometry,
  Color,
  ConeGeometry,
  InstancedMesh,
  MeshLambertMaterial,
  MeshBasicMaterial,
  Object3D,
  OctahedronGeometry,
  RingGeometry,
  SphereGeometry,
  type BufferGeometry,
  type Group,
} from "three";
import { useShallow } from "zustand/react/shallow";
import { AGENT_STATE_COLOURS } from "../../../shared/protocol/agent-messages";
import type { Pose } from "../engine/interpolation";
import { agentPoses, renderedAgentPoses } from "../engine/people";
import { appStore, useApp } from "../engine/store";
import { AgentLabel } from "./AgentLabel";
import { LabelBudget } from "./label-budget";

/** Most agents drawn at once (a roster's MAX_AGENTS, shared/agents.ts, plus outside agents); every instanced mesh is sized for this. */
export const MAX_DRAWN_AGENTS = 256;
const BODY_Y = 1.0;
const ORB_Y = 2.05;
export const AGENT_LABEL_Y = 2.45;

/** One geometry per roster shape; unknown shapes fall back to the capsule. */
const SHAPES: Record<string, BufferGeometry> = {
  capsule: new CapsuleGeometry(0.38, 0.7, 4, 12),
  cube: new BoxGeometry(0.9, 0.9, 0.9),
  cone: new ConeGeometry(0.55, 1.3, 12),
  sphere: new SphereGeometry(0.55, 16, 12),
  octahedron: new OctahedronGeometry(0.65),
};
const SHAPE_NAMES = Object.keys(SHAPES);
const halo = new RingGeometry(0.7, 0.9, 32).rotateX(-Math.PI / 2);
const orb = new OctahedronGeometry(0.16);
/** The "waiting for you" marker: a red "!" high over the agent, seen from across the campus. */
const markerPart = new BoxGeometry(1, 1, 1);
export const MARKER_Y = 4.3;
const MARKER_COLOUR = "#f43f5e";

// Frame-loop scratch.
const dummy = new Object3D();
const scratch: Pose = { x: 0, z: 0, yaw: 0, pitch: 0 };
const counts = new Array<number>(SHAPE_NAMES.length).fill(0);
const colours = new Map<string, Color>();
const GREY = new Color("#7b8794");
function colourOf(hex: string): Color {
  let c = colours.get(hex);
  if (!c) colours.set(hex, (c = new Color(hex)));
  return c;
}

/**
 * Only the agents nearest the camera carry a label and a speech bubble: each label is a few
 * text draw calls, so capping them keeps draw calls flat however many agents there are.
 */
export const MAX_AGENT_LABELS = 12;
const labels = new LabelBudget(MAX_AGENT_LABELS);

const agentAnchors = new Map<string, Group>();
/** Which agent each body instance shows, per shape, so a click can tell who was hit. */
const owners: string[][] = SHAPE_NAMES.map(() => new Array<string>(MAX_DRAWN_AGENTS).fill(""));

/**
 * Every agent, drawn with one instanced mesh per shape plus a state halo and a floating state
 * orb, so draw calls do not grow with the number of agents. The halo and orb colour show the
 * state; so does the motion: thinking bobs, working spins, walking bounces, paused sinks.
 */
export function Agents() {
  const bodies = useRef<(InstancedMesh | null)[]>([]);
  const halos = useRef<InstancedMesh>(null);
  const orbs = useRef<InstancedMesh>(null);
  const markers = useRef<InstancedMesh>(null);
  const markerMaterial = useMemo(() => new MeshBasicMaterial({ color: MARKER_COLOUR, toneMapped: false }), []);
  const bodyMaterial = useMemo(() => new MeshLambertMaterial(), []);
  const haloMaterial = useMemo(() => new MeshBasicMaterial({ transparent: true, opacity: 0.85 }), []);
  const ids = useApp(useShallow((s) => Object.keys(s.agents)));

  useFrame(({ clock, camera }) => {
    const h = halos.current;
    const o = orbs.current;
    if (!h || !o) return;
    const t = clock.elapsedTime;
    const now = performance.now();
    counts.fill(0);
    labels.begin();
    let n = 0;
    let marked = 0;
    const mk = markers.current;
    const { agents } = appStore.getState();
    for (const id in agents) {
      if (n >= MAX_DRAWN_AGENTS) break;
      const meta = agents[id]!;
      if (!agentPoses.get(id)?.sampleNow(now, scratch)) continue;
      let drawn = renderedAgentPoses.get(id);
      if (!drawn) renderedAgentPoses.set(id, (drawn = { x: 0, z: 0, yaw: 0, pitch: 0 }));
      drawn.x = scratch.x;
      drawn.z = scratch.z;
      drawn.yaw = scratch.yaw;

      const phase = id.length * 1.7; // agents don't bob in lockstep
      const state = meta.state;
      const asleep = state === "paused" || state === "offline";
      let y = BODY_Y;
      let spin = scratch.yaw;
      if (state === "thinking") y += Math.sin(t * 3 + phase) * 0.12;
      else if (state === "walking") y += Math.abs(Math.sin(t * 8 + phase)) * 0.12;
      else if (state === "working") spin += t * 2.5;
      else if (asleep) y -= 0.35;

      const shapeIndex = Math.max(0, SHAPE_NAMES.indexOf(meta.shape));
      const body = bodies.current[shapeIndex];
      if (body) {
        const i = counts[shapeIndex]!;
        counts[shapeIndex] = i + 1;
        owners[shapeIndex]![i] = id;
        dummy.position.set(scratch.x, y, scratch.z);
        dummy.rotation.set(0, spin, 0);
        dummy.scale.setScalar(1);
        dummy.updateMatrix();
        body.setMatrixAt(i, dummy.matrix);
        body.setColorAt(i, asleep ? GREY : colourOf(meta.colour));
      }

      const stateColour = colourOf(AGENT_STATE_COLOURS[state] ?? AGENT_STATE_COLOURS.idle!);
      dummy.position.set(scratch.x, 0.04, scratch.z);
      dummy.rotation.set(0, 0, 0);
      dummy.scale.setScalar(state === "waiting-for-human" ? 1 + 0.15 * Math.sin(t * 6) : 1);
      dummy.updateMatrix();
      h.setMatrixAt(n, dummy.matrix);
      h.setColorAt(n, stateColour);

      dummy.position.set(scratch.x, ORB_Y + Math.sin(t * 2 + phase) * 0.05, scratch.z);
      dummy.rotation.set(0, t * 1.5, 0);
      dummy.scale.setScalar(state === "waiting-for-human" ? 1.6 + 0.3 * Math.sin(t * 6) : 1);
      dummy.updateMatrix();
      o.setMatrixAt(n, dummy.matrix);
      o.setColorAt(n, stateColour);

      if (state === "waiting-for-human" && mk) {
        // Bar and dot of the "!", bobbing and turning.
        const bob = MARKER_Y + Math.sin(t * 3 + phase) * 0.1;
        const turn = t * 1.8;
        dummy.rotation.set(0, turn, 0);
        dummy.position.set(scratch.x, bob + 0.28, scratch.z);
        dummy.scale.set(0.16, 0.5, 0.16);
        dummy.updateMatrix();
        mk.setMatrixAt(marked++, dummy.matrix);
        dummy.position.set(scratch.x, bob - 0.1, scratch.z);
        dummy.scale.set(0.16, 0.16, 0.16);
        dummy.updateMatrix();
        mk.setMatrixAt(marked++, dummy.matrix);
      }

      const label = agentAnchors.get(id);
      if (label) label.position.set(scratch.x, AGENT_LABEL_Y, scratch.z);
      labels.offer(id, Math.hypot(scratch.x - camera.position.x, scratch.z - camera.position.z));
      n++;
    }
    labels.apply(agentAnchors);
    bodies.current.forEach((m, i) => {
      if (!m) return;
      m.count = counts[i]!;
      m.boundingSphere = null; // instances moved: recomputed lazily if a click needs it
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
    });
    for (const m of [h, o]) {
      m.count = n;
      m.instanceMatrix.needsUpdate = true;
      if (m.instanceColor) m.instanceColor.needsUpdate = true;
    }
    if (mk) {
      mk.count = marked;
      mk.visible = marked > 0;
      mk.instanceMatrix.needsUpdate = true;
    }
    if (renderedAgentPoses.size > n) {
      for (const id of renderedAgentPoses.keys()) {
        if (id in agents) continue;
        renderedAgentPoses.delete(id);
        labels.forget(id);
      }
    }
  });

  return (
    <>
      {SHAPE_NAMES.map((shape, i) => (
        <instancedMesh
          key={shape}
          ref={(m) => {
            bodies.current[i] = m;
          }}
          args={[SHAPES[shape], bodyMaterial, MAX_DRAWN_AGENTS]}
          frustumCulled={false}
          onClick={(e) => {
            const id = e.instanceId === undefined ? "" : (owners[i]![e.instanceId] ?? "");
            if (!id) return;
            e.stopPropagation();
            appStore.setState({ talkTo: id, pickerOpen: false });
          }}
        />
      ))}
      <instancedMesh ref={halos} args={[halo, haloMaterial, MAX_DRAWN_AGENTS]} frustumCulled={false} raycast={() => null} />
      <instancedMesh ref={orbs} args={[orb, bodyMaterial, MAX_DRAWN_AGENTS]} frustumCulled={false} raycast={() => null} />
      <instancedMesh ref={markers} args={[markerPart, markerMaterial, MAX_DRAWN_AGENTS * 2]} frustumCulled={false} raycast={() => null} visible={false} />
      {ids.map((id) => (
        <AgentLabel key={id} id={id} anchors={agentAnchors} />
      ))}
    </>
  );
}
