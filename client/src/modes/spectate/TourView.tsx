import { Canvas } from "@react-three/fiber";
import { useApp } from "../../engine/store";
import { Agents } from "../../scene/Agents";
import { Campus } from "../../scene/Campus";
import { People } from "../../scene/People";
import { registerRenderer } from "../../engine/debug";
import { useSpectate } from "./spectate-store";
import { TourCamera } from "./TourCamera";

const SKY = "#0f1a24";

/**
 * The cinematic 3D mode: the same campus scene as the desktop client (campus, people, agents),
 * seen through TourCamera instead of an avatar's follow camera. Its own lazy chunk.
 */
export default function TourView() {
  const world = useApp((s) => s.world);
  const target = useSpectate((s) => s.tourTarget);
  const agent = useApp((s) => (target ? s.agents[target] : undefined));
  const task = useApp((s) => (agent?.taskId ? s.tasks[agent.taskId] : undefined));
  if (!world) return null;
  return (
    <div className="sp-tour" data-testid="spectate-tour" data-target={target ?? ""}>
      <Canvas
        dpr={[1, 1.5]}
        camera={{ fov: 50, near: 0.1, far: 400, position: [0, 40, 60] }}
        gl={{ antialias: true, powerPreference: "high-performance", preserveDrawingBuffer: true }}
        onCreated={({ gl }) => registerRenderer(gl)}
      >
        <color attach="background" args={[SKY]} />
        <fog attach="fog" args={[SKY, 70, 180]} />
        <hemisphereLight args={["#dbeafe", "#334155", 1.3]} />
        <directionalLight position={[40, 70, 25]} intensity={1.7} />
        <Campus world={world} />
        <People />
        <Agents />
        <TourCamera />
      </Canvas>
      {agent && (
        <p className="sp-tour-caption">
          <i className="sp-dot" style={{ background: agent.colour }} />
          <b>{agent.name}</b> · {agent.state === "waiting-for-human" ? "waiting for people" : agent.state}
          {task ? ` · ${task.title}` : agent.reason ? ` · ${agent.reason}` : ""}
        </p>
      )}
    </div>
  );
}
