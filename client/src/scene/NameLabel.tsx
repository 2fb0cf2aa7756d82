import { Billboard, Text } from "@react-three/drei";
import type { Group } from "three";
import { FONT_BOLD } from "../engine/assets";
import { useApp } from "../engine/store";
import { useAnchor } from "./useAnchor";

/** A person's name over their head, always facing the camera. People positions it each frame. */
export function NameLabel({ id, anchors }: { id: string; anchors: Map<string, Group> }) {
  const ref = useAnchor(id, anchors);
  const name = useApp((s) => s.people[id]?.name ?? "");
  const connected = useApp((s) => s.people[id]?.connected ?? true);
  const isSelf = useApp((s) => s.selfId === id);
  return (
    <group ref={ref} visible={false}>
      <Billboard>
        <Text
          font={FONT_BOLD}
          fontSize={0.3}
          color={connected ? "#ffffff" : "#d1d5db"}
          outlineWidth={0.035}
          outlineColor="#0b1220"
          anchorX="center"
          anchorY="bottom"
        >
          {isSelf ? `${name} (you)` : connected ? name : `${name} · reconnecting`}
        </Text>
      </Billboard>
    </group>
  );
}
