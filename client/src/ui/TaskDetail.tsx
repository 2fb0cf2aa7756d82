import { useEffect, useMemo, useState } from "react";
import type { TaskUpdatePayload } from "../../../shared/protocol/schemas";
import { transitionRefusal, type TaskStatus } from "../../../shared/task-transitions";
import { formatAgo } from "../engine/activity";
import { BOARD_COLUMNS, assigneeColour, assigneeName } from "../engine/boards";
import { connection } from "../engine/session";
import { appStore, showNotice, useApp } from "../engine/store";
import { describeEvent, fetchTaskDetail, type TaskDetailData } from "../engine/task-detail";
import { assigneeValue, parseAssignee } from "../engine/assignee";
import { AssigneeSelect } from "./AssigneeSelect";

type Load = { state: "loading" } | { state: "error"; error: string } | { state: "ready"; data: TaskDetailData };

/**
 * The detail of the selected card (desktop): description, history, artifacts, and actions —
 * move it to another column, (re)assign it to an agent or a person. It re-reads the task from
 * GET /api/tasks/:id whenever the card changes in the room.
 */
export function TaskDetail() {
  const id = useApp((s) => s.selectedTask);
  const card = useApp((s) => (s.selectedTask ? s.tasks[s.selectedTask] : undefined));
  const agents = useApp((s) => s.agents);
  const people = useApp((s) => s.people);
  const world = useApp((s) => s.world);
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [note, setNote] = useState("");
  const version = card ? `${card.updatedAt}:${card.status}:${card.assignee}:${card.artifacts}:${card.escalated}` : "";

  useEffect(() => {
    if (!id) return;
    const abort = new AbortController();
    setLoad((l) => (l.state === "ready" && l.data.task.id === id ? l : { state: "loading" }));
    fetchTaskDetail(id, abort.signal).then(
      (data) => setLoad({ state: "ready", data }),
      (err: unknown) => {
        if (!abort.signal.aborted) setLoad({ state: "error", error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => abort.abort();
  }, [id, version]);

  const nameOf = useMemo(() => {
    return (x: string) => agents[x]?.name ?? people[x]?.name ?? (x === "system" ? "Atrium" : x);
  }, [agents, people]);

  if (!id) return null;
  const close = () => appStore.setState({ selectedTask: null });
  const data = load.state === "ready" && load.data.task.id === id ? load.data : null;
  const title = card?.title ?? data?.task.title ?? id;
  const status = card?.status ?? data?.task.status ?? "";
  const district = world?.districts.find((d) => d.id === (card?.district ?? data?.task.district));
  const currentAssignee = assigneeValue(card ? { kind: card.assigneeKind, id: card.assignee } : null);

  const move = (to: string) => {
    if (!connection.updateTask({ taskId: id, status: to as TaskUpdatePayload["status"], ...(note.trim() ? { note: note.trim() } : {}) })) showNotice("error", "Not connected.");
    setNote("");
  };
  const assign = (value: string) => {
    const assignee = parseAssignee(value);
    if (!connection.updateTask({ taskId: id, assignee, ...(note.trim() ? { note: note.trim() } : {}) })) showNotice("error", "Not connected.");
    setNote("");
  };

  return (
    <aside className="hud-panel task-detail" data-testid="task-detail" aria-label={`Task: ${title}`}>
      <div className="talk-head">
        {card && <span className="swatch" style={{ background: assigneeColour(card, agents, people) }} />}
        <strong className="detail-title">{title}</strong>
        <button type="button" className="close" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <div className="muted small">
        <span className={`status-pill status-${status}`} data-testid="task-status">
          {status}
        </span>
        {district ? ` · ${district.name}` : ""}
        {card ? ` · ${assigneeName(card, agents)}` : ""}
        {card?.escalated ? <span className="escalated"> · escalated</span> : null}
      </div>
      {load.state === "error" && <p className="error-text">Could not load the task: {load.error}</p>}
      {!data && load.state === "loading" && <p className="muted small">Loading…</p>}
      {data && (
        <>
          <p className="detail-description">{data.task.description || <span className="muted">No description.</span>}</p>
          <h3>Actions</h3>
          <div className="detail-actions">
            <div className="move-buttons" role="group" aria-label="Move to">
              {BOARD_COLUMNS.map((c) => {
                // Only the moves the server allows are offered; the refusal says why on hover.
                const refusal = status ? transitionRefusal(status as TaskStatus, c.status) : null;
                return (
                  <button key={c.status} className="secondary" data-status={c.status} disabled={c.status === status || refusal !== null} title={refusal ?? undefined} onClick={() => move(c.status)}>
                    {c.label}
                  </button>
                );
              })}
            </div>
            <label className="assign">
              <span className="muted small">Assigned to</span>
              <AssigneeSelect value={currentAssignee} onChange={assign} noneLabel="Nobody" />
            </label>
            <input className="note-input" name="note" value={note} maxLength={500} placeholder="Note for the history (optional)" onChange={(e) => setNote(e.target.value)} />
          </div>
          <h3>Artifacts {data.artifacts.length ? `(${data.artifacts.length})` : ""}</h3>
          {data.artifacts.length === 0 ? (
            <p className="muted small">None yet.</p>
          ) : (
            <ul className="detail-artifacts">
              {data.artifacts.map((a) => (
                <li key={a.id}>
                  <button className="link-button" onClick={() => appStore.setState({ openArtifact: a.id })}>
                    <span className="kind-tag">{a.kind === "chart" ? "chart" : "doc"}</span> {a.title}
                  </button>
                  <span className="muted small"> · {nameOf(a.createdBy)}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>History</h3>
          <ol className="detail-events" data-testid="task-events">
            {[...data.events].reverse().map((e) => (
              <li key={e.id} className={e.kind === "escalated" || e.kind === "escalation" ? "alarm" : ""}>
                <span>{describeEvent(e, nameOf)}</span>
                <span className="muted small"> · {formatAgo(Date.parse(e.at), Date.now())}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}
