import { MOUSE_HINTS, SHORTCUTS } from "../engine/keymap";
import { appStore } from "../engine/store";

/** Every shortcut, straight from the keymap table. */
export function HelpOverlay() {
  const close = () => appStore.setState({ helpOpen: false });
  return (
    <div className="help" data-testid="help" onClick={close}>
      <div className="card" role="dialog" aria-label="Keyboard and mouse shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
            {MOUSE_HINTS.map((m) => (
              <tr key={m.keys}>
                <td>
                  <kbd>{m.keys}</kbd>
                </td>
                <td>{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="footer">
          <button className="secondary" onClick={close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
