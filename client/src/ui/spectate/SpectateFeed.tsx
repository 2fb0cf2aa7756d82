import { useEffect, useState } from "react";
import { formatAgo } from "../../engine/activity";
import type { FeedKind } from "../../modes/spectate/feed-entries";
import { useSpectate } from "../../modes/spectate/spectate-store";

/** Feed lines shown at once; the rest are kept (SPECTATE_FEED_LIMIT) but off the wall. Default 40. */
export const FEED_SHOWN = 40;

/** A short tag per kind: plain text, so a wall screen without emoji fonts shows it too. */
const TAG: Record<FeedKind, string> = {
  speech: "SAID",
  "hand-off": "HAND-OFF",
  "approval-asked": "ASKS",
  approval: "ANSWER",
  artifact: "DOC",
  error: "ERROR",
  escalation: "ESCALATED",
  task: "TASK",
};

const clock = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

/** The activity feed: speech, hand-offs, approvals asked and given, artifacts, errors, escalations. */
export function SpectateFeed() {
  const paused = useSpectate((s) => s.feedPaused);
  const live = useSpectate((s) => s.feed);
  const frozen = useSpectate((s) => s.frozenFeed);
  const shown = paused ? frozen : live;
  const newer = paused ? live.filter((e) => !frozen.includes(e)).length : 0;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="sp-feed" aria-label="Activity" data-testid="spectate-feed" data-paused={paused}>
      <h2>
        Activity
        {paused && <span className="sp-paused">Paused · {newer} new · P resumes</span>}
      </h2>
      <ol aria-live={paused ? "off" : "polite"}>
        {shown.slice(0, FEED_SHOWN).map((e) => (
          <li key={e.id} data-kind={e.kind} className={e.severity === "warning" ? "warning" : undefined}>
            <span className={`sp-feed-tag k-${e.kind}`}>{TAG[e.kind]}</span>
            <span className="sp-feed-text">
              {e.kind === "speech" && <b>{e.actorName} </b>}
              {e.text}
            </span>
            <time dateTime={new Date(e.at).toISOString()} title={formatAgo(e.at, now)}>
              {clock(e.at)}
            </time>
          </li>
        ))}
        {shown.length === 0 && <li className="sp-muted">Nothing yet: the agents' work will show here as it happens.</li>}
      </ol>
    </section>
  );
}
