import { useEffect, useMemo } from "react";
import type { World } from "../../../../shared/world";
import { CampusMap } from "../map/CampusMap";
import { spectateStore, useSpectate } from "../../modes/spectate/spectate-store";
import { LiveMapScene } from "./live-map-scene";

/** The live top-down map: agents coloured by state, people, tasks in flight, hand-off arcs. */
export function LiveMap({ world, scale }: { world: World; scale: number }) {
  const scene = useMemo(() => new LiveMapScene(world.districts), [world]);
  useEffect(() => {
    const detach = scene.attach();
    if (window.__atriumSpectate) window.__atriumSpectate.map = scene;
    return () => {
      detach();
      if (window.__atriumSpectate?.map === scene) delete window.__atriumSpectate.map;
    };
  }, [scene]);
  scene.textScale = scale;
  const focusId = useSpectate((s) => s.focusId);
  return (
    <CampusMap
      world={world}
      getAgents={() => scene.update(performance.now())}
      selectedId={focusId}
      onAgentClick={(id) => spectateStore.setState({ focusId: id })}
      label={`Live map of ${world.name}: agents coloured by state, people, tasks in flight and hand-offs`}
      textScale={scale}
      drawOverlay={(ctx, v, now) => scene.drawOverlay(ctx, v, now)}
    />
  );
}
