import { useEffect, useRef, useState, type FormEvent } from "react";
import { MAX_TASK_DESCRIPTION_LENGTH, MAX_TASK_TITLE_LENGTH } from "../../../shared/constants";
import { connection } from "../engine/session";
import { appStore, showNotice, useApp } from "../engine/store";
import { parseAssignee } from "../engine/assignee";
import { AssigneeSelect } from "./AssigneeSelect";

/** Creates a task on a district's board (N, or "+ New task" on a board), optionally assigned. */
export function NewTaskDialog() {
  const open = useApp((s) => s.newTask);
  const world = useApp((s) => s.world);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [district, setDistrict] = useState(open?.district ?? "");
  const [assignee, setAssignee] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) {
      setDistrict(open.district);
      input.current?.focus();
    }
  }, [open]);
  if (!open || !world) return null;
  const close = () => appStore.setState({ newTask: null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return;
    const sent = connection.createTask({
      title: t,
      ...(description.trim() ? { description: description.trim() } : {}),
      district,
      assignee: parseAssignee(assignee),
    });
    if (!sent) {
      showNotice("error", "Not connected: the task was not created.");
      return;
    }
    setTitle("");
    setDescription("");
    setAssignee("");
    close();
  };
  return (
    <div className="modal-backdrop" onClick={close}>
      <form className="card new-task" data-testid="new-task" role="dialog" aria-label="New task" onSubmit={submit} onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === "Escape" && close()}>
        <h2>New task</h2>
        <label className="field">
          Title
          <input ref={input} name="title" value={title} maxLength={MAX_TASK_TITLE_LENGTH} placeholder="What needs doing?" onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="field">
          Description <span className="muted small">(optional)</span>
          <textarea name="description" value={description} maxLength={MAX_TASK_DESCRIPTION_LENGTH} rows={3} placeholder="What does done look like?" onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="field-row">
          <label className="field">
            Board
            <select name="district" value={district} onChange={(e) => setDistrict(e.target.value)}>
              {world.districts.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Assign to <span className="muted small">(optional)</span>
            <AssigneeSelect value={assignee} onChange={setAssignee} noneLabel="Nobody yet" />
          </label>
        </div>
        <div className="footer">
          <button type="button" className="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary small-button" disabled={!title.trim()}>
            Create task
          </button>
        </div>
      </form>
    </div>
  );
}
