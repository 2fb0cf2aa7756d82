import { lazy, Suspense } from "react";
import { useApp } from "./engine/store";
import { loadSceneModule } from "./scene/lazy";
import { Hud } from "./ui/Hud";
import { LoadingScreen } from "./ui/LoadingScreen";
import { Landing } from "./ui/Landing";

const CampusCanvas = lazy(() => loadSceneModule().then((m) => ({ default: m.CampusCanvas })));

/** Loading → name prompt → joining → the campus. The canvas mounts once the world is known. */
export function App() {
  const phase = useApp((s) => s.phase);
  const hasWorld = useApp((s) => s.world !== null);
  return (
    <>
      {phase === "campus" && hasWorld && (
        <Suspense fallback={null}>
          <CampusCanvas />
        </Suspense>
      )}
      {phase === "campus" && <Hud />}
      {phase === "loading" && <LoadingScreen />}
      {(phase === "name" || phase === "joining") && <Landing />}
    </>
  );
}
