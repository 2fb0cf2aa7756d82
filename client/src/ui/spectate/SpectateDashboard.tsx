import { lazy, Suspense } from "react";
import type { World } from "../../../../shared/world";
import { useSpectate } from "../../modes/spectate/spectate-store";
import { AGENT_STATE_COLOURS } from "../../../../shared/protocol/agent-messages";
import { AgentCards } from "./AgentCards";
import { HelpLine } from "./HelpLine";
import { LiveMap } from "./LiveMap";
import { SpectateFeed } from "./SpectateFeed";
import { SpectateHeader } from "./SpectateHeader";
import { StatsCharts } from "./StatsCharts";
import { useViewportScale } from "./useViewportScale";

/** The 3D tour brings three.js along: it loads only when someone switches to it. */
const TourView = lazy(() => import("../../modes/spectate/TourView"));

/** The wall: header, the map or the 3D tour, agent cards, the feed, the charts and the help line. */
export function SpectateDashboard({ world }: { world: World }) {
  const scale = useViewportScale();
  const view = useSpectate((s) => s.view);
  return (
    <div className="spectate" data-testid="spectate" data-view={view} style={{ fontSize: `${16 * scale}px` }}>
      <SpectateHeader />
      <main className="sp-main">
        <section className="sp-view" aria-label={view === "map" ? "Live map" : "3D tour"}>
          {view === "map" ? (
            <LiveMap world={world} scale={scale} />
          ) : (
            <Suspense fallback={<p className="sp-muted sp-loading">Loading the 3D campus…</p>}>
              <TourView />
            </Suspense>
          )}
          <ul className="sp-states" aria-label="Agent states">
            {Object.entries(AGENT_STATE_COLOURS).map(([state, colour]) => (
              <li key={state}>
                <i style={{ background: colour }} />
                {state === "waiting-for-human" ? "waiting" : state}
              </li>
            ))}
          </ul>
        </section>
        <aside className="sp-side">
          <AgentCards />
          <SpectateFeed />
        </aside>
      </main>
      <StatsCharts scale={scale} />
      <HelpLine />
    </div>
  );
}
