import { useFrame, useThree } from "@react-three/fiber";
import { useEffect, useRef } from "react";
import { Vector3 } from "three";
import { renderedAgentPoses } from "../../engine/people";
import { appStore } from "../../engine/store";
import { spectateStore } from "./spectate-store";
import { TourPlan } from "./tour";

/** Camera distance from the agent it shows (m), height above the ground (m), and the orbit speed (rad/s). */
export const TOUR_DISTANCE_M = 9;
export const TOUR_HEIGHT_M = 4.5;
export const TOUR_ORBIT_RAD_PER_S = 0.12;
/** How fast the camera flies to its place and turns to its subject (1/s): low, so moves read as flights. */
export const TOUR_FLY_RATE = 1.8;
/** Where the camera looks on the agent (m above the ground). */
const LOOK_Y = 1.1;

const desired = new Vector3();
const look = new Vector3();

/**
 * The spectator's camera rig for the 3D campus (no avatar): follows the TourPlan's agent from
 * a slowly orbiting viewpoint and flies between agents. Reads poses in useFrame; writes the
 * store only when the agent shown changes.
 */
export function TourCamera() {
  const camera = useThree((s) => s.camera);
  const plan = useRef(new TourPlan());
  const lookAt = useRef(new Vector3(0, LOOK_Y, 0));
  const angle = useRef(0.6);
  const order = useRef<string[]>([]);
  const states = useRef<Record<string, string>>({});

  useEffect(() => {
    const sync = () => {
      const agents = appStore.getState().agents;
      order.current = Object.keys(agents);
      const next: Record<string, string> = {};
      for (const [id, a] of Object.entries(agents)) next[id] = a.state;
      states.current = next;
    };
    sync();
    return appStore.subscribe((s, prev) => {
      if (s.agents !== prev.agents) sync();
    });
  }, []);

  useEffect(() => {
    camera.position.set(0, 40, 60);
    camera.lookAt(0, 0, 0);
  }, [camera]);

  useFrame((_, delta) => {
    const dt = Math.min(delta, 0.1);
    const now = performance.now();
    const focus = spectateStore.getState().focusId;
    const target = plan.current.pick(now, order.current, states.current, focus);
    if (spectateStore.getState().tourTarget !== target) spectateStore.setState({ tourTarget: target });
    const pose = target ? renderedAgentPoses.get(target) : undefined;
    angle.current += TOUR_ORBIT_RAD_PER_S * dt;
    if (pose) {
      desired.set(pose.x + Math.sin(angle.current) * TOUR_DISTANCE_M, TOUR_HEIGHT_M, pose.z + Math.cos(angle.current) * TOUR_DISTANCE_M);
      look.set(pose.x, LOOK_Y, pose.z);
    } else {
      // Nobody to show: a slow high orbit over the plaza.
      desired.set(Math.sin(angle.current) * 55, 38, Math.cos(angle.current) * 55);
      look.set(0, 0, 0);
    }
    const k = 1 - Math.exp(-TOUR_FLY_RATE * dt);
    camera.position.lerp(desired, k);
    lookAt.current.lerp(look, Math.min(1, k * 1.6));
    camera.lookAt(lookAt.current);
  });
  return null;
}
