import { useApp } from "../engine/store";
import { HelpOverlay } from "./HelpOverlay";
import { LocationIndicator } from "./LocationIndicator";
import { QuestionsPanel } from "./QuestionsPanel";
import { StatusChip } from "./StatusChip";
import { TalkPanel } from "./TalkPanel";
import { Toast } from "./Toast";

/** The desktop 2D overlay over the campus. */
export function Hud() {
  const workspace = useApp((s) => s.workspace);
  const count = useApp((s) => Object.keys(s.people).length);
  const helpOpen = useApp((s) => s.helpOpen);
  return (
    <div className="hud">
      <div className="hud-panel hud-top-left">
        <strong>Atrium</strong> · {workspace}
        <div className="sub" data-testid="people-count">
          {count === 1 ? "Only you here" : `${count} people here`}
        </div>
      </div>
      <StatusChip />
      <LocationIndicator />
      <div className="hud-panel hud-bottom-left">
        <kbd>?</kbd> help · <kbd>W</kbd>
        <kbd>A</kbd>
        <kbd>S</kbd>
        <kbd>D</kbd> walk · <kbd>T</kbd> talk to an agent · drag to look
      </div>
      <QuestionsPanel />
      <TalkPanel />
      <Toast />
      {helpOpen && <HelpOverlay />}
    </div>
  );
}
