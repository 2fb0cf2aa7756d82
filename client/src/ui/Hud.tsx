import { lazy, Suspense } from "react";
import { nearestDistrict } from "../engine/boards";
import { localPlayer } from "../engine/people";
import { appStore, useApp } from "../engine/store";
import { ActivityFeed } from "./ActivityFeed";
import { HelpOverlay } from "./HelpOverlay";
import { LocationIndicator } from "./LocationIndicator";
import { NewTaskDialog } from "./NewTaskDialog";
import { OwnerPanel } from "./OwnerPanel";
import { QuestionsPanel } from "./QuestionsPanel";
import { StatusChip } from "./StatusChip";
import { TalkPanel } from "./TalkPanel";
import { TaskDetail } from "./TaskDetail";
import { Toast } from "./Toast";

/** The reader carries the markdown parser; it loads on first use (shared with the 3D chunk). */
const ArtifactReader = lazy(() => import("./ArtifactReader"));
/** Voice (mic, push-to-talk, agent voices): a lazy chunk; the VAD and ONNX Runtime load only when the mic goes on. */
const VoicePanel = lazy(() => import("./VoicePanel"));

function openNewTask(): void {
  const { world } = appStore.getState();
  if (world) appStore.setState({ newTask: { district: nearestDistrict(world, localPlayer.pose.x, localPlayer.pose.z) } });
}

/** The desktop 2D overlay over the campus. */
export function Hud() {
  const workspace = useApp((s) => s.workspace);
  const count = useApp((s) => Object.keys(s.people).length);
  const helpOpen = useApp((s) => s.helpOpen);
  const readerOpen = useApp((s) => s.openArtifact !== null);
  return (
    <div className="hud">
      <div className="hud-panel hud-top-left">
        <strong>Atrium</strong> · {workspace}
        <div className="sub" data-testid="people-count">
          {count === 1 ? "Only you here" : `${count} people here`}
        </div>
        <button className="primary small-button new-task-button" data-testid="new-task-button" onClick={openNewTask} title="New task (N)">
          + New task
        </button>
      </div>
      <StatusChip />
      <LocationIndicator />
      <div className="hud-panel hud-bottom-left">
        <kbd>?</kbd> help · <kbd>W</kbd>
        <kbd>A</kbd>
        <kbd>S</kbd>
        <kbd>D</kbd> walk · <kbd>T</kbd> talk to an agent · <kbd>N</kbd> new task · drag to look
      </div>
      <ActivityFeed />
      <TaskDetail />
      <QuestionsPanel />
      <TalkPanel />
      <NewTaskDialog />
      <OwnerPanel />
      {readerOpen && (
        <Suspense fallback={null}>
          <ArtifactReader />
        </Suspense>
      )}
      <Suspense fallback={null}>
        <VoicePanel />
      </Suspense>
      <Toast />
      {helpOpen && <HelpOverlay />}
    </div>
  );
}
