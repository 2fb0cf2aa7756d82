import { parseAssignee } from "../engine/assignee";
import { useApp } from "../engine/store";

/**
 * A picker of who a task goes to: nobody, an agent of the roster, or a person in the room
 * (by name). `value` is an assigneeValue(); a person assigned earlier who has left the room
 * stays listed so the current choice can be shown.
 */
export function AssigneeSelect({ value, onChange, noneLabel }: { value: string; onChange: (value: string) => void; noneLabel: string }) {
  const agents = useApp((s) => s.agents);
  const people = useApp((s) => s.people);
  const names = [...new Set(Object.values(people).map((p) => p.name))].sort();
  const current = parseAssignee(value);
  const absent = current?.kind === "person" && !names.includes(current.id) ? current.id : null;
  return (
    <select name="assignee" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{noneLabel}</option>
      <optgroup label="Agents">
        {Object.values(agents).map((a) => (
          <option key={a.id} value={`agent:${a.id}`}>
            {a.name} · {a.role}
          </option>
        ))}
      </optgroup>
      <optgroup label="People">
        {names.map((n) => (
          <option key={n} value={`person:${n}`}>
            {n}
          </option>
        ))}
        {absent && <option value={value}>{absent}</option>}
      </optgroup>
    </select>
  );
}
