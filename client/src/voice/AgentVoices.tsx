import { useFrame, useThree } from "@react-three/fiber";
import { useEffect } from "react";
import { renderedAgentPoses } from "../engine/people";
import { agentAudio, VOICE_Y } from "./agent-audio";

/**
 * Puts the AudioListener on the camera and keeps each agent's PositionalAudio at its avatar,
 * so replies are heard from where the agent stands (and, in a headset, turn with your head).
 */
export function AgentVoices() {
  const camera = useThree((s) => s.camera);
  const scene = useThree((s) => s.scene);
  useEffect(() => {
    agentAudio.attach(camera, scene);
    return () => agentAudio.detach();
  }, [camera, scene]);
  useFrame(() => {
    for (const [id, track] of agentAudio.sources()) {
      const p = renderedAgentPoses.get(id);
      if (p) track.audio.position.set(p.x, VOICE_Y, p.z);
    }
  });
  return null;
}
