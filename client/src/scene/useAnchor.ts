import { useLayoutEffect, useRef } from "react";
import type { Group } from "three";

/**
 * Registers a label's group under `id` in `anchors`, so the frame loop that draws the avatars
 * can move it without React. Returns the ref to put on the group.
 */
export function useAnchor(id: string, anchors: Map<string, Group>) {
  const ref = useRef<Group>(null);
  useLayoutEffect(() => {
    const group = ref.current;
    if (!group) return;
    anchors.set(id, group);
    return () => {
      anchors.delete(id);
    };
  }, [id, anchors]);
  return ref;
}
