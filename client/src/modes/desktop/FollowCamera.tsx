import { useFrame, useThree } from "@react-three/fiber";
import { useRef } from "react";
import { Vector3 } from "three";
import { VIEW_EYE_Y, flight } from "../../engine/fly-to";
import { cameraRig, localPlayer } from "../../engine/people";

const EYE_Y = 1.6;
/** How quickly the camera catches up with the avatar (1/s). */
const FOLLOW_RATE = 10;
/** How quickly the camera glides to a "fly there" viewpoint (1/s): slower, so it reads as a flight. */
const FLIGHT_RATE = 2.2;
const desired = new Vector3();
const lookAt = new Vector3();

/**
 * A third-person camera behind your avatar. Looking up or down (head pitch) swings it lower or
 * higher; the wheel changes its distance.
 */
export function FollowCamera() {
  const camera = useThree((s) => s.camera);
  const placed = useRef(false);
  useFrame((_, dt) => {
    if (flight.active) {
      // Fly to the viewpoint in front of the board or wall while the avatar runs there, and hold
      // that first-person view until the person moves or looks around.
      const v = flight.view;
      // Straight on (no keystone): the eye at the height of what it looks at.
      desired.set(v.x, Math.max(VIEW_EYE_Y, v.lookY), v.z);
      camera.position.lerp(desired, 1 - Math.exp(-FLIGHT_RATE * Math.min(dt, 0.1)));
      lookAt.set(v.lookX, v.lookY, v.lookZ);
      camera.lookAt(lookAt);
      placed.current = true;
      return;
    }
    const p = localPlayer.pose;
    const fx = -Math.sin(p.yaw);
    const fz = -Math.cos(p.yaw);
    const elevation = Math.min(1.3, Math.max(0.04, 0.3 - p.pitch * 0.9));
    const d = cameraRig.distance;
    desired.set(p.x - fx * d * Math.cos(elevation), EYE_Y + d * Math.sin(elevation), p.z - fz * d * Math.cos(elevation));
    if (!placed.current) {
      camera.position.copy(desired);
      placed.current = true;
    } else {
      camera.position.lerp(desired, 1 - Math.exp(-FOLLOW_RATE * Math.min(dt, 0.1)));
    }
    lookAt.set(p.x + fx * 2, EYE_Y + Math.sin(p.pitch) * 2, p.z + fz * 2);
    camera.lookAt(lookAt);
  });
  return null;
}
