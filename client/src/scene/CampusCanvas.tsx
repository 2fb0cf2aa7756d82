import { Canvas } from "@react-three/fiber";
import { Vector3, type Camera, type WebGLRenderer } from "three";
import { registerRenderer, type Projector } from "../engine/debug";
import { useApp } from "../engine/store";
import { DesktopControls } from "../modes/desktop/DesktopControls";
import { FollowCamera } from "../modes/desktop/FollowCamera";
import { DesktopOnly } from "../modes/xr/DesktopOnly";
import { DeviceModeRoot } from "../modes/xr/DeviceModeRoot";
import { Agents } from "./Agents";
import { AnswerPanels } from "./AnswerPanels";
import { Campus } from "./Campus";
import { HandOffArcs } from "./HandOffArcs";
import { People } from "./People";
import { WalkTarget } from "./WalkTarget";
import { AgentVoices } from "../voice/AgentVoices";
import { PersonBubbles } from "../voice/PersonBubbles";

const projected = new Vector3();
/** World point → page position (CSS px), for the debug handle; null when behind the camera. */
function projectorFor(gl: WebGLRenderer, camera: Camera): Projector {
  return (x, y, z) => {
    projected.set(x, y, z).project(camera);
    if (projected.z > 1 || projected.z < -1) return null;
    const rect = gl.domElement.getBoundingClientRect();
    return { x: rect.left + ((projected.x + 1) / 2) * rect.width, y: rect.top + ((1 - projected.y) / 2) * rect.height };
  };
}

export const SKY_COLOUR = "#cfe2ef";

/** The 3D view: the campus, everyone in it, and the desktop controls. */
export function CampusCanvas() {
  const world = useApp((s) => s.world);
  if (!world) return null;
  return (
    <div className="canvas-host" data-testid="campus">
      <Canvas
        dpr={[1, 2]}
        camera={{ fov: 60, near: 0.1, far: 400, position: [0, 8, 20] }}
        gl={{ antialias: true, powerPreference: "high-performance", preserveDrawingBuffer: true }}
        onCreated={({ gl, camera }) => registerRenderer(gl, projectorFor(gl, camera))}
      >
        <color attach="background" args={[SKY_COLOUR]} />
        <fog attach="fog" args={[SKY_COLOUR, 80, 190]} />
        <hemisphereLight args={["#ffffff", "#6f8f5f", 1.4]} />
        <directionalLight position={[40, 70, 25]} intensity={1.9} />
        <Campus world={world} />
        <People />
        <Agents />
        <HandOffArcs />
        <AnswerPanels />
        <WalkTarget />
        <AgentVoices />
        <PersonBubbles />
        <DesktopOnly>
          <DesktopControls />
          <FollowCamera />
        </DesktopOnly>
        <DeviceModeRoot />
      </Canvas>
    </div>
  );
}
