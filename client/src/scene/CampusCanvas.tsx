import { Canvas } from "@react-three/fiber";
import { registerRenderer } from "../engine/debug";
import { useApp } from "../engine/store";
import { DesktopControls } from "../modes/desktop/DesktopControls";
import { FollowCamera } from "../modes/desktop/FollowCamera";
import { Agents } from "./Agents";
import { Campus } from "./Campus";
import { People } from "./People";
import { WalkTarget } from "./WalkTarget";

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
        onCreated={({ gl }) => registerRenderer(gl)}
      >
        <color attach="background" args={[SKY_COLOUR]} />
        <fog attach="fog" args={[SKY_COLOUR, 80, 190]} />
        <hemisphereLight args={["#ffffff", "#6f8f5f", 1.4]} />
        <directionalLight position={[40, 70, 25]} intensity={1.9} />
        <Campus world={world} />
        <People />
        <Agents />
        <WalkTarget />
        <DesktopControls />
        <FollowCamera />
      </Canvas>
    </div>
  );
}
