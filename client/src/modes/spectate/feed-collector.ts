import { appStore, type AppState } from "../../engine/store";
import { fromActivity, fromAgentTrouble, fromSpeech, mergeFeed, type FeedEntry } from "./feed-entries";
import { spectateStore } from "./spectate-store";

/**
 * Builds the dashboard's feed from the app store as it changes: every activity item, each
 * agent utterance once it is finished, and each agent that goes offline or stops on an error.
 * Returns the unsubscribe.
 */
export function collectFeed(): () => void {
  const seenActivity = new Set<string>();
  const seenSpeech = new Set<string>();
  /** The last state+reason seen per agent, to notice a change into trouble once. */
  const lastTrouble = new Map<string, string>();
  let troubleSeq = 0;

  const onChange = (s: AppState, prev: AppState | null) => {
    const incoming: FeedEntry[] = [];
    if (!prev || s.activity !== prev.activity) {
      for (const item of s.activity) {
        if (seenActivity.has(item.id)) continue;
        seenActivity.add(item.id);
        incoming.push(fromActivity(item));
      }
    }
    if (!prev || s.speech !== prev.speech) {
      for (const [agentId, sp] of Object.entries(s.speech)) {
        const key = `${agentId}:${sp.utteranceId}`;
        if (!sp.done || seenSpeech.has(key) || !sp.text.trim()) continue;
        seenSpeech.add(key);
        incoming.push(fromSpeech(agentId, s.agents[agentId]?.name ?? agentId, sp.utteranceId, sp.text, Date.now()));
      }
    }
    if (!prev || s.agents !== prev.agents) {
      for (const a of Object.values(s.agents)) {
        const key = `${a.state}\u0000${a.reason}`;
        if (lastTrouble.get(a.id) === key) continue;
        lastTrouble.set(a.id, key);
        const entry = fromAgentTrouble(a.id, a.name, a.state, a.reason, Date.now(), ++troubleSeq);
        if (entry) incoming.push(entry);
      }
    }
    if (incoming.length > 0) spectateStore.setState((st) => ({ feed: mergeFeed(st.feed, incoming) }));
  };
  onChange(appStore.getState(), null);
  return appStore.subscribe(onChange);
}
