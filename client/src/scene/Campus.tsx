import { useMemo } from "react";
import type { World } from "../../../shared/world";
import { layoutBuildings, layoutPaths, layoutProps, layoutTrees, pathBoxes } from "../engine/campus-layout";
import { ArtifactWalls } from "./ArtifactWalls";
import { CampusTexts } from "./CampusTexts";
import { DistrictZones } from "./DistrictZones";
import { Ground } from "./Ground";
import { InstancedBoxes } from "./InstancedBoxes";
import { Plaza } from "./Plaza";
import { TaskBoards } from "./TaskBoards";
import { Trees } from "./Trees";

/**
 * The campus: everything that does not move, plus the boards and walls that show the work. Repeated things (boxes, zones, trees) are instanced, so the
 * draw calls stay flat however many districts the config has; the static text is one batched call.
 */
export function Campus({ world }: { world: World }) {
  const boxes = useMemo(() => [...pathBoxes(layoutPaths(world)), ...layoutProps(world), ...layoutBuildings(world)], [world]);
  const trees = useMemo(() => layoutTrees(world), [world]);
  return (
    <group>
      <Ground radius={world.campusRadius} />
      <Plaza world={world} />
      <DistrictZones districts={world.districts} />
      <InstancedBoxes boxes={boxes} />
      <Trees trees={trees} />
      <CampusTexts world={world} />
      <TaskBoards world={world} />
      <ArtifactWalls world={world} />
    </group>
  );
}
