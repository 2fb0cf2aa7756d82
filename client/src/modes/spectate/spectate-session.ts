import { WorkspaceConnection } from "../../engine/net";
import { workspaceFromUrl } from "../../engine/session";
import { appStore } from "../../engine/store";
import { collectFeed } from "./feed-collector";
import { replayLink, stepFocus, type SpectateAction } from "./spectate-keys";
import { setFeedPaused, spectateStore } from "./spectate-store";
import { StatsFeed } from "./stats-feed";

/** The name a spectator joins under (people see no avatar for it; the audit trail does). */
export const SPECTATOR_NAME = "Spectator";
/** A spectator tab keeps its reconnection token apart from a desktop seat's. */
const SPECTATOR_TOKEN_KEY = "atrium.spectatorReconnectionToken";

export interface SpectateSession {
  workspace: string;
  connection: WorkspaceConnection;
  stats: StatsFeed;
  stop(): void;
}

/**
 * Joins the workspace as a spectator (no avatar; the server refuses anything it might send),
 * and starts the feed and the charts' data. The connection fills the same app store as the
 * desktop client's, and comes back by itself after a drop.
 */
export function startSpectating(): SpectateSession {
  const workspace = workspaceFromUrl();
  const connection = new WorkspaceConnection(workspace, undefined, { role: "spectator", tokenKey: SPECTATOR_TOKEN_KEY });
  const stats = new StatsFeed(workspace, connection);
  const stopFeed = collectFeed();
  appStore.setState({ workspace, phase: "campus" });
  let stopped = false;
  connection.join(SPECTATOR_NAME).then(
    // Stopped while joining (React's development double mount): leave the seat just taken.
    () => stopped && void connection.leave(),
    (err: unknown) => {
      if (!stopped) appStore.setState({ status: "offline", statusDetail: `Could not join: ${err instanceof Error ? err.message : String(err)}` });
    },
  );
  stats.start();
  return {
    workspace,
    connection,
    stats,
    stop() {
      stopped = true;
      stats.stop();
      stopFeed();
      void connection.leave();
    },
  };
}

/** Carries out one shortcut. `order` is the agents as the cards number them. */
export function runAction(action: SpectateAction, order: readonly string[], workspace: string): void {
  const s = spectateStore.getState();
  switch (action.kind) {
    case "toggle-view":
      spectateStore.setState({ view: s.view === "map" ? "tour" : "map" });
      break;
    case "view":
      spectateStore.setState({ view: action.view });
      break;
    case "focus-index": {
      const id = order[action.index];
      if (id) spectateStore.setState({ focusId: s.focusId === id ? null : id });
      break;
    }
    case "focus-step":
      spectateStore.setState({ focusId: stepFocus(order, s.focusId, action.step) });
      break;
    case "clear-focus":
      spectateStore.setState({ focusId: null });
      break;
    case "pause-feed":
      setFeedPaused(!s.feedPaused);
      break;
    case "fullscreen":
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      else void document.documentElement.requestFullscreen?.().catch(() => undefined);
      break;
    case "replay":
      window.open(replayLink(workspace, Date.now()), "_blank", "noopener");
      break;
  }
}
