import { connection } from "../engine/session";
import { useApp, type ConnectionStatus } from "../engine/store";

const LABEL: Record<ConnectionStatus, string> = {
  idle: "Not connected",
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

/** Connected / reconnecting / offline, plus a banner with a retry button when not connected. */
export function StatusChip() {
  const status = useApp((s) => s.status);
  const detail = useApp((s) => s.statusDetail);
  return (
    <>
      <div className="status-chip" data-status={status} data-testid="status-chip" title={detail} role="status" aria-live="polite">
        <span className="dot" />
        {LABEL[status]}
      </div>
      {(status === "offline" || status === "reconnecting") && (
        <div className="banner" data-status={status}>
          <span>{detail}</span>
          {status === "offline" && (
            <button className="secondary" onClick={() => connection.retryNow()}>
              Retry now
            </button>
          )}
        </div>
      )}
    </>
  );
}
