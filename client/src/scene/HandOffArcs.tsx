import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import { Color, CylinderGeometry, InstancedMesh, MeshBasicMaterial, Object3D, Vector3 } from "three";
import { ARC_TRAVEL_MS, MAX_ARCS, arcFade, arcHeight, arcPoint, glowProgress, handOffArcs } from "../engine/arcs";
import { renderedAgentPoses } from "../engine/people";
import { appStore } from "../engine/store";

/** Segments per arc: enough for a smooth curve, few enough to stay cheap. */
const SEGMENTS = 32;
/** Tube radius of an arc, and how much fatter the travelling glow makes it (m, ×). */
const RADIUS = 0.05;
const GLOW_GAIN = 2.2;
/** Width of the glow along the arc (share of its length). */
const GLOW_WIDTH = 0.07;
/** Arcs leave and land at the agents' state-orb height (m). */
const END_Y = 2.05;

// Frame-loop scratch: nothing below allocates per frame.
const unitTube = new CylinderGeometry(1, 1, 1, 8, 1, true);
const dummy = new Object3D();
const up = new Vector3(0, 1, 0);
const dir = new Vector3();
const p0 = { x: 0, y: 0, z: 0 };
const p1 = { x: 0, y: 0, z: 0 };
const tint = new Color();
const WHITE = new Color("#ffffff");
const FALLBACK = "#f59e0b";
const colours = new Map<string, Color>();
function colourOf(hex: string): Color {
  let c = colours.get(hex);
  if (!c) colours.set(hex, (c = new Color(hex)));
  return c;
}

/**
 * Hand-offs you can see: an arc from the giver to the receiver that grows with a bright glow
 * travelling along it, then fades. Every live arc is one instanced mesh of short tube
 * segments (one draw call); the pool is fixed, and the frame loop allocates nothing.
 */
export function HandOffArcs() {
  const ref = useRef<InstancedMesh>(null);
  const material = useMemo(() => new MeshBasicMaterial({ toneMapped: false }), []);
  useFrame(() => {
    const mesh = ref.current;
    if (!mesh) return;
    const now = performance.now();
    const { agents } = appStore.getState();
    let n = 0;
    for (const slot of handOffArcs.slots) {
      const age = now - slot.startedAt;
      const fade = arcFade(age);
      if (fade <= 0) continue;
      const a = renderedAgentPoses.get(slot.from);
      const b = renderedAgentPoses.get(slot.to);
      if (!a || !b) continue;
      const h = arcHeight(Math.hypot(b.x - a.x, b.z - a.z));
      const head = glowProgress(age);
      const travelling = age < ARC_TRAVEL_MS;
      const from = colourOf(agents[slot.from]?.colour ?? FALLBACK);
      const to = colourOf(agents[slot.to]?.colour ?? FALLBACK);
      for (let k = 0; k < SEGMENTS; k++) {
        const t0 = k / SEGMENTS;
        if (t0 > head) break; // the arc grows behind its glow
        const t1 = Math.min(head, (k + 1) / SEGMENTS);
        arcPoint(a.x, END_Y, a.z, b.x, END_Y, b.z, h, t0, p0);
        arcPoint(a.x, END_Y, a.z, b.x, END_Y, b.z, h, t1, p1);
        dir.set(p1.x - p0.x, p1.y - p0.y, p1.z - p0.z);
        const len = dir.length();
        if (len < 1e-5) continue;
        const tm = (t0 + t1) / 2;
        // The glow rides the head while it travels, then pulses over the whole arc as it fades.
        const g = travelling ? Math.exp(-(((tm - head) / GLOW_WIDTH) ** 2)) : 0.25 * fade;
        const r = RADIUS * fade * (1 + GLOW_GAIN * g);
        dummy.position.set((p0.x + p1.x) / 2, (p0.y + p1.y) / 2, (p0.z + p1.z) / 2);
        dummy.quaternion.setFromUnitVectors(up, dir.divideScalar(len));
        dummy.scale.set(r, len * 1.02, r);
        dummy.updateMatrix();
        mesh.setMatrixAt(n, dummy.matrix);
        tint.copy(from).lerp(to, tm).lerp(WHITE, Math.min(0.85, g));
        mesh.setColorAt(n, tint);
        n++;
      }
    }
    mesh.count = n;
    mesh.visible = n > 0;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
  });
  return <instancedMesh ref={ref} args={[unitTube, material, MAX_ARCS * SEGMENTS]} frustumCulled={false} raycast={() => null} visible={false} />;
}
