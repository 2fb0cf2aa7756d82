import { Billboard, Text } from "@react-three/drei";
import { useEffect, useReducer } from "react";
import type { Group } from "three";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { useApp } from "../engine/store";
import { useAnchor } from "./useAnchor";

/** How long a finished utterance stays in the bubble (ms). */
export const SPEECH_LINGER_MS = 8000;

/** What the state line says for each state. */
export function stateLine(state: string, reason: string): string {
  const words = state === "waiting-for-human" ? "waiting for you" : state;
  return reason ? `${words}: ${reason}` : words;
}

/**
 * Name, role and state over an agent, plus its speech bubble growing token by token while the
 * reply streams. Agents positions it each frame.
 */
export function AgentLabel({ id, anchors }: { id: string; anchors: Map<string, Group> }) {
  const ref = useAnchor(id, anchors);
  const agent = useApp((s) => s.agents[id]);
  const speech = useApp((s) => s.speech[id]);
  // A finished utterance fades after a while: re-render once its time is up.
  const [, expire] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!speech?.done) return;
    const t = setTimeout(expire, SPEECH_LINGER_MS + 50 - (performance.now() - speech.at));
    return () => clearTimeout(t);
  }, [speech]);
  if (!agent) return null;
  const showSpeech = speech && (!speech.done || performance.now() - speech.at < SPEECH_LINGER_MS) && speech.text.trim() !== "";
  const offline = agent.brain === "offline" ? " · offline planner" : agent.brain === "external" ? " · external" : "";
  return (
    <group ref={ref} visible={false}>
      <Billboard>
        {/* One text for name and state: outlined text costs two draw calls, so one, not two. */}
        <Text
          font={FONT_BOLD}
          fontSize={0.3}
          lineHeight={1.15}
          color="#ffffff"
          outlineWidth={0.035}
          outlineColor="#0b1220"
          anchorX="center"
          anchorY="middle"
          textAlign="center"
        >
          {`${agent.name}\n${agent.role} · ${stateLine(agent.state, agent.reason)}${offline}`}
        </Text>
        {showSpeech && (
          <Text
            font={FONT_REGULAR}
            position-y={0.5}
            fontSize={0.22}
            maxWidth={4.2}
            lineHeight={1.25}
            color="#0f172a"
            outlineWidth={0.06}
            outlineColor="#ffffff"
            anchorX="center"
            anchorY="bottom"
            textAlign="center"
          >
            {speech.text}
          </Text>
        )}
      </Billboard>
    </group>
  );
}
