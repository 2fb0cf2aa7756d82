import { useFrame } from "@react-three/fiber";
import { XROrigin, useXR } from "@react-three/xr";
import { useEffect, useMemo, useRef } from "react";
import { Euler, Vector3, type Group } from "three";
import { HAND_ARTICULATED, HAND_LEFT, HAND_RIGHT } from "../../../../shared/state";
import { layoutObstacles } from "../../engine/campus-layout";
import { localPlayer } from "../../engine/people";
import { connection } from "../../engine/session";
import { useApp } from "../../engine/store";
import { announceMode, localBody } from "../../engine/xr-body";
import { SnapTurner, clampToDisc, headWorld, smoothMove, smoothTurnAngle, teleportHeadTo, turnAboutHead } from "./locomotion";
import { aim, handObjects, motion, rig, teleportRequest } from "./rig-state";
import { findLanding, traceArc, validLanding, type ArcResult } from "./teleport-arc";
import { xrSettings } from "./xr-settings";
import { controllerState } from "./xr-input";

/** Stick forward past this (y axis, WebXR reads -1 fully forward) aims a teleport. */
export const AIM_START = -0.6; // default -0.6
/** Shortest time between two teleports (ms); the server allows one per 300 ms. */
export const TELEPORT_COOLDOWN_MS = 350; // default 350
/** Keeps you this far inside the campus edge (m). */
const EDGE_MARGIN = 0.3;
/** Pose changes smaller than these are not sent (m, rad). */
const SEND_EPS_M = 0.005;
const SEND_EPS_RAD = 0.004;
const PITCH_LIMIT = 1.5;

// Frame-loop scratch.
const euler = new Euler(0, 0, 0, "YXZ");
const head = { x: 0, z: 0 };
const grip = new Vector3();
const dir = new Vector3();
const arc: ArcResult = { hit: false, x: 0, z: 0, count: 0 };
const snap = new SnapTurner();
const last = { x: NaN, z: NaN, yaw: NaN, pitch: NaN, lx: NaN, rx: NaN, ly: NaN, ry: NaN };

/**
 * The VR rig: the XR origin moved by teleports (right stick forward, release to jump; or select
 * the ground), smooth locomotion on the left stick, snap or smooth turning on the right stick.
 * Every frame it turns the headset pose into this person's pose (head position, facing and
 * pitch, eye height and hands) and sends it at the patch rate.
 */
export function XRRig() {
  const origin = useRef<Group>(null);
  const session = useXR((s) => s.session);
  const world = useApp((s) => s.world);
  const blockers = useMemo(() => (world ? layoutObstacles(world) : []), [world]);
  const placed = useRef(false);
  const lastTeleport = useRef(-Infinity);

  useEffect(() => {
    placed.current = false;
    if (!session) return;
    announceMode("vr");
    connection.markPoseDirty();
    return () => {
      localBody.active = false;
      aim.active = false;
      announceMode("desktop");
      connection.markPoseDirty();
    };
  }, [session]);

  useFrame((state, delta) => {
    const o = origin.current;
    if (!o || !session || !world) return;
    const dt = Math.min(delta, 0.1);
    const now = performance.now();
    const cam = state.camera; // the XR camera: its position is the head inside the tracked space
    const hx = cam.position.x;
    const hz = cam.position.z;
    euler.setFromQuaternion(cam.quaternion, "YXZ");
    const pose = localPlayer.pose;
    if (!placed.current) {
      // Enter where the desktop avatar stood, facing the same way.
      rig.yaw = pose.yaw - euler.y;
      teleportHeadTo(rig, hx, hz, pose.x, pose.z);
      placed.current = true;
      localBody.active = true;
      localBody.teleport = true;
    }
    const settings = xrSettings.getState();
    const headYaw = rig.yaw + euler.y;
    const teleport = (x: number, z: number) => {
      if (now - lastTeleport.current < TELEPORT_COOLDOWN_MS) return;
      lastTeleport.current = now;
      teleportHeadTo(rig, hx, hz, x, z);
      localBody.teleport = true;
    };

    motion.speed = 0;
    motion.turn = 0;
    const left = controllerState("left");
    const right = controllerState("right");

    // Left stick: smooth locomotion where the head faces.
    const ls = left?.gamepad["xr-standard-thumbstick"];
    if (ls && settings.smoothMove) {
      const moved = smoothMove(rig, ls.xAxis ?? 0, ls.yAxis ?? 0, headYaw, settings.moveSpeed, dt);
      if (moved > 0) {
        motion.speed = moved / dt;
        headWorld(rig, hx, hz, head);
        if (clampToDisc(head, world.campusRadius - EDGE_MARGIN)) teleportHeadTo(rig, hx, hz, head.x, head.z);
      }
    }

    // Right stick: forward aims a teleport (release to jump), sideways turns.
    const rs = right?.gamepad["xr-standard-thumbstick"];
    const sx = rs?.xAxis ?? 0;
    const sy = rs?.yAxis ?? 0;
    const gripObject = handObjects.right;
    if (rs && gripObject && sy < AIM_START && Math.abs(sx) < 0.5) {
      gripObject.getWorldPosition(grip);
      dir.set(0, 0, -1).transformDirection(gripObject.matrixWorld);
      traceArc(grip.x, grip.y, grip.z, dir.x, dir.y, dir.z, aim.points, arc);
      aim.active = true;
      aim.count = arc.count;
      aim.x = arc.x;
      aim.z = arc.z;
      aim.valid = arc.hit && validLanding(arc.x, arc.z, world.campusRadius - EDGE_MARGIN, blockers);
    } else {
      if (aim.active && aim.valid) teleport(aim.x, aim.z);
      aim.active = false;
      if (settings.turn === "snap") {
        const angle = snap.update(sx, (settings.snapDegrees * Math.PI) / 180);
        if (angle !== 0) turnAboutHead(rig, hx, hz, angle);
      } else {
        const angle = smoothTurnAngle(sx, (settings.smoothTurnSpeed * Math.PI) / 180, dt);
        if (angle !== 0) {
          turnAboutHead(rig, hx, hz, angle);
          motion.turn = angle / dt;
        }
      }
    }

    // Selecting the ground (a ray and trigger or pinch) asks to walk there: in VR that is a teleport.
    const target = localPlayer.target;
    if (target.active) {
      target.active = false;
      if (settings.pointTeleport && validLanding(target.x, target.z, world.campusRadius - EDGE_MARGIN, blockers)) teleport(target.x, target.z);
    }

    if (teleportRequest.pending) {
      teleportRequest.pending = false;
      const spot = findLanding(teleportRequest.x, teleportRequest.z, world.campusRadius - EDGE_MARGIN, blockers);
      if (spot) {
        lastTeleport.current = -Infinity;
        teleport(spot.x, spot.z);
      }
    }

    o.position.set(rig.x, 0, rig.z);
    o.rotation.set(0, rig.yaw, 0);
    o.updateMatrixWorld();

    // The pose others see: the head in the campus, where it faces and how it tilts.
    headWorld(rig, hx, hz, head);
    pose.x = head.x;
    pose.z = head.z;
    pose.yaw = rig.yaw + euler.y;
    pose.pitch = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, euler.x));
    localBody.headY = cam.position.y;
    let hands = 0;
    for (const side of ["left", "right"] as const) {
      const obj = handObjects[side];
      if (!obj) continue;
      obj.getWorldPosition(grip);
      const out = side === "left" ? localBody.left : localBody.right;
      out[0] = Math.max(-2, Math.min(2, grip.x - head.x));
      out[1] = Math.max(-0.5, Math.min(3, grip.y));
      out[2] = Math.max(-2, Math.min(2, grip.z - head.z));
      hands |= side === "left" ? HAND_LEFT : HAND_RIGHT;
      if (handObjects[`${side}Kind`] === "hand") hands |= HAND_ARTICULATED;
    }
    localBody.hands = hands;

    if (
      Math.abs(pose.x - last.x) > SEND_EPS_M ||
      Math.abs(pose.z - last.z) > SEND_EPS_M ||
      Math.abs(pose.yaw - last.yaw) > SEND_EPS_RAD ||
      Math.abs(pose.pitch - last.pitch) > SEND_EPS_RAD ||
      Math.abs(localBody.left[0] - last.lx) > SEND_EPS_M ||
      Math.abs(localBody.left[1] - last.ly) > SEND_EPS_M ||
      Math.abs(localBody.right[0] - last.rx) > SEND_EPS_M ||
      Math.abs(localBody.right[1] - last.ry) > SEND_EPS_M ||
      localBody.teleport
    ) {
      last.x = pose.x;
      last.z = pose.z;
      last.yaw = pose.yaw;
      last.pitch = pose.pitch;
      last.lx = localBody.left[0];
      last.ly = localBody.left[1];
      last.rx = localBody.right[0];
      last.ry = localBody.right[1];
      connection.markPoseDirty();
    }
    connection.flushPose(now);
  });

  return <XROrigin ref={origin} />;
}
