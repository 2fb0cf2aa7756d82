import { Billboard, Text } from "@react-three/drei";
import { useFrame } from "@react-three/fiber";
import { useEffect, useReducer, useRef } from "react";
import type { Group } from "three";
import { FONT_REGULAR } from "../engine/assets";
import { localPlayer, renderedPoses } from "../engine/people";
import { appStore } from "../engine/store";
import { BUBBLE_MS, useVoice } from "./voice-store";

/** Height of a person's speech bubble over their feet (m). */
const BUBBLE_Y = 2.6;

/** What people said by voice, over their avatars, for BUBBLE_MS. */
export function PersonBubbles() {
  const bubbles = useVoice((s) => s.bubbles);
  const [, expire] = useReducer((n: number) => n + 1, 0);
  const now = performance.now();
  const live = Object.entries(bubbles).filter(([, b]) => now - b.at < BUBBLE_MS);
  useEffect(() => {
    if (live.length === 0) return;
    const next = Math.min(...live.map(([, b]) => b.at + BUBBLE_MS)) - performance.now();
    const t = setTimeout(expire, Math.max(50, next + 50));
    return () => clearTimeout(t);
  });
  return (
    <>
      {live.map(([id, b]) => (
        <PersonBubble key={id} personId={id} text={b.text} />
      ))}
    </>
  );
}

function PersonBubble({ personId, text }: { personId: string; text: string }) {
  const group = useRef<Group>(null);
  useFrame(() => {
    const g = group.current;
    if (!g) return;
    const self = appStore.getState().selfId === personId;
    const p = self ? localPlayer.pose : renderedPoses.get(personId);
    if (p) g.position.set(p.x, BUBBLE_Y, p.z);
    g.visible = !!p;
  });
  return (
    <group ref={group} visible={false}>
      <Billboard>
        <Text
          font={FONT_REGULAR}
          fontSize={0.22}
          maxWidth={4}
          lineHeight={1.25}
          color="#0f172a"
          outlineWidth={0.06}
          outlineColor="#e0f2fe"
          anchorX="center"
          anchorY="bottom"
          textAlign="center"
        >
          {`“${text}”`}
        </Text>
      </Billboard>
    </group>
  );
}
