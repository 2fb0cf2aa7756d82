import { SPECTATE_SHORTCUTS } from "../../modes/spectate/spectate-keys";

/** The keyboard shortcuts, always on one line at the bottom of the wall. */
export function HelpLine() {
  return (
    <footer className="sp-help" data-testid="spectate-help">
      {SPECTATE_SHORTCUTS.map(([keys, what]) => (
        <span key={keys}>
          <kbd>{keys}</kbd> {what}
        </span>
      ))}
      <span className="sp-muted">Read-only: spectators watch and change nothing.</span>
    </footer>
  );
}
