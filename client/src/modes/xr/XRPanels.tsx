import { useEffect, useSyncExternalStore } from "react";
import { TASK_TRANSITIONS, type TaskStatus } from "../../../../shared/task-transitions";
import { requestArtifactBody, useArtifactBody } from "../../engine/artifact-bodies";
import { assigneeName, clip } from "../../engine/boards";
import { connection } from "../../engine/session";
import { appStore, useApp } from "../../engine/store";
import { PanelAnchor } from "./PanelAnchor";
import { Button, COLOURS, Line, Panel, Row } from "./ui-kit";
import { onXRVoiceChange, xrVoice } from "./voice-hook";

/** What a person can ask an agent without a keyboard (the talk panel's presets). */
export const PRESET_PROMPTS = [
  "What are you working on?",
  "Summarise your progress so far.",
  "Do you need anything from me?",
  "What should I look at next?",
] as const;

const STATUS_LABEL: Record<TaskStatus, string> = { todo: "To do", doing: "Doing", review: "Review", done: "Done", blocked: "Blocked" };

/**
 * The in-world counterparts of the desktop's talk panel, task detail and artifact reader: a
 * select on an agent, a card or an artifact opens one in front of you (DOM dialogs vanish in a
 * headset). One at a time: the most recent selection.
 */
export function XRPanels() {
  const talkTo = useApp((s) => s.talkTo);
  const task = useApp((s) => s.selectedTask);
  const artifact = useApp((s) => s.openArtifact);
  if (artifact) return <PanelAnchor openKey={`artifact:${artifact}`}><ArtifactPanel id={artifact} /></PanelAnchor>;
  if (task) return <PanelAnchor openKey={`task:${task}`}><TaskPanel id={task} /></PanelAnchor>;
  if (talkTo) return <PanelAnchor openKey={`agent:${talkTo}`}><TalkPanel agentId={talkTo} /></PanelAnchor>;
  return null;
}

function useXRVoice() {
  return useSyncExternalStore(onXRVoiceChange, xrVoice, xrVoice);
}

/** An agent: its state and latest words, preset prompts, and push-to-talk when voice is there. */
export function TalkPanel({ agentId }: { agentId: string }) {
  const agent = useApp((s) => s.agents[agentId]);
  const speech = useApp((s) => s.speech[agentId]);
  const voice = useXRVoice();
  const close = () => appStore.setState({ talkTo: null });
  if (!agent) return null;
  const state = agent.reason ? `${agent.state} · ${agent.reason}` : agent.state;
  return (
    <Panel title={`${agent.name} · ${agent.role}`} onClose={close} testId="xr-talk-panel">
      <Line colour={COLOURS.text}>{`State: ${state}${agent.brain === "offline" ? " (offline planner)" : ""}`}</Line>
      <Line>{speech ? clip(speech.text, 320) : "Nothing said yet."}</Line>
      <Row>
        {PRESET_PROMPTS.map((p) => (
          <Button key={p} label={p} colour={COLOURS.primary} onClick={() => connection.talk(agentId, p)} />
        ))}
      </Row>
      {voice && (
        <Button
          label="Hold to talk"
          colour={COLOURS.good}
          onPointerDown={() => voice.startTalking(agentId)}
          onPointerUp={() => voice.stopTalking()}
        />
      )}
    </Panel>
  );
}

/** A task card: who has it, and a button for each status it may move to. */
export function TaskPanel({ id }: { id: string }) {
  const task = useApp((s) => s.tasks[id]);
  const agents = useApp((s) => s.agents);
  const close = () => appStore.setState({ selectedTask: null });
  if (!task) return null;
  const status = task.status as TaskStatus;
  const next = TASK_TRANSITIONS[status] ?? [];
  return (
    <Panel title={clip(task.title, 60)} onClose={close} testId="xr-task-panel">
      <Line colour={COLOURS.text}>{`${STATUS_LABEL[status] ?? task.status} · ${assigneeName(task, agents) || "unassigned"}`}</Line>
      <Line>Move it to:</Line>
      <Row>
        {next.map((to) => (
          <Button
            key={to}
            name={`status:${to}`}
            label={STATUS_LABEL[to]}
            colour={to === "done" ? COLOURS.good : to === "blocked" ? COLOURS.danger : COLOURS.primary}
            onClick={() => connection.updateTask({ taskId: id, status: to })}
          />
        ))}
      </Row>
    </Panel>
  );
}

/** An artifact: its title and the start of its text (a headset is no place for long reading). */
export function ArtifactPanel({ id }: { id: string }) {
  const meta = useApp((s) => s.artifacts[id]);
  const body = useArtifactBody(id);
  useEffect(() => requestArtifactBody(id), [id]);
  const close = () => appStore.setState({ openArtifact: null });
  const text = body?.state === "ready" ? clip(body.text.replace(/[#*_`>|]/g, "").replace(/\n{2,}/g, "\n"), 900) : body?.state === "error" ? body.error : "Loading…";
  return (
    <Panel title={meta ? clip(meta.title, 60) : "Artifact"} width={760} onClose={close} testId="xr-artifact-panel">
      <Line size={20} colour={COLOURS.text}>
        {text}
      </Line>
    </Panel>
  );
}
