import { useEffect, useState } from "react";
import type { ActivityItem } from "../../../shared/protocol/work-messages";
import { formatAgo, isAlarming } from "../engine/activity";
import { flight } from "../engine/fly-to";
import { localPlayer } from "../engine/people";
import { appStore, showNotice, useApp } from "../engine/store";

/** Feed items listed at once; the rest stay in the store. */
const SHOWN = 30;
const KIND_LABEL: Record<string, string> = {
  "task-created": "New",
  status: "Status",
  assigned: "Assigned",
  "hand-off": "Hand-off",
  artifact: "Artifact",
  "approval-asked": "Asks",
  approval: "Approval",
  escalation: "Escalation",
};

/** Where a feed item happened: its district, else its task's board. */
function districtOf(item: ActivityItem): string | null {
  if (item.district) return item.district;
  const task = item.taskId ? appStore.getState().tasks[item.taskId] : undefined;
  return task?.district || null;
}

/** Flies the camera (and runs the avatar) to where a feed item happened. */
export function flyToItem(item: ActivityItem): void {
  const { world } = appStore.getState();
  const district = districtOf(item);
  const target = item.kind === "artifact" ? "wall" : "board";
  if (!world || !district || !flight.start(localPlayer, world, district, performance.now(), target)) {
    showNotice("info", "That happened nowhere in particular.");
  }
}

/** The activity feed: hand-offs, approvals, artifacts and status changes, newest first; escalations in red. */
export function ActivityFeed() {
  const items = useApp((s) => s.activity);
  const [open, setOpen] = useState(true);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="hud-panel feed" data-testid="activity-feed" aria-label="Activity">
      <button className="feed-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <strong>Activity</strong>
        <span className="muted small">{items.length ? `${items.length}` : "nothing yet"}</span>
        <span className="muted feed-toggle">{open ? "▾" : "▸"}</span>
      </button>
      {open && (
        <ol className="feed-list">
          {items.slice(0, SHOWN).map((item) => (
            <li key={item.id}>
              <button
                className={`feed-item${isAlarming(item) ? " alarm" : ""}`}
                data-kind={item.kind}
                title="Fly there"
                onClick={() => flyToItem(item)}
              >
                <span className="feed-kind">{KIND_LABEL[item.kind] ?? item.kind}</span>
                <span className="feed-text">{item.text}</span>
                <span className="feed-time muted small">{formatAgo(Date.parse(item.at), Math.max(now, Date.now()))}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
