import { useMemo, useState } from "react";
import { countUpTo, tasksAt, type ReplayIndex, type ReplayTask } from "../../../../shared/replay";
import { Icon } from "./Icon";
import { age } from "./replay-format";
import { useReplayUi } from "./replay-ui";

const COLUMNS = ["todo", "doing", "review", "done", "blocked"] as const;

/** The task board as it was at the cursor: five columns of cards, for one district or all. */
export function ReplayBoard({ index }: { index: ReplayIndex }) {
  const t = useReplayUi((s) => s.t);
  const [district, setDistrict] = useState("all");
  const { timeline } = index;
  // The board changes only when an event passes the cursor: rebuild it then, not on every render.
  const applied = countUpTo(timeline.taskEvents, t);
  const tasks = useMemo(() => tasksAt(index, t), [index, applied]); // keyed on `applied`, not `t`, on purpose
  const agents = useMemo(() => new Map(timeline.agents.map((a) => [a.id, a])), [timeline]);
  const districts = useMemo(() => new Map(timeline.world.districts.map((d) => [d.id, d])), [timeline]);
  const shown = district === "all" ? tasks : tasks.filter((x) => x.district === district);

  return (
    <section className="replay-board" aria-label="Task board at the cursor" data-testid="replay-board">
      <div className="panel-head">
        <h2>Board</h2>
        <select value={district} onChange={(e) => setDistrict(e.target.value)} aria-label="District">
          <option value="all">All districts</option>
          {timeline.world.districts.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="columns">
        {COLUMNS.map((status) => {
          const cards = shown.filter((x) => x.status === status);
          return (
            <div key={status} className={`column ${status}`} data-status={status}>
              <h3>
                {status} <span>{cards.length}</span>
              </h3>
              {cards.map((task) => (
                <Card key={task.id} task={task} t={t} agents={agents} districtColour={task.district ? districts.get(task.district)?.colour : undefined} />
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}

function Card({ task, t, agents, districtColour }: { task: ReplayTask; t: number; agents: Map<string, { name: string; colour: string }>; districtColour: string | undefined }) {
  const who = task.assignee ? (task.assignee.kind === "agent" ? agents.get(task.assignee.id) : null) : null;
  const name = task.assignee ? (who?.name ?? task.assignee.id) : "unassigned";
  return (
    <article className={`task-card${task.escalated ? " escalated" : ""}`} data-task={task.id} style={{ borderLeftColor: districtColour ?? "#64748b" }}>
      <p className="title">{task.title}</p>
      <p className="meta">
        <span className="who">
          <span className="dot" style={{ background: who?.colour ?? (task.assignee ? "#eef3f7" : "transparent") }} />
          {name}
        </span>
        <span>{age(t - task.createdAt)}</span>
        {task.artifacts > 0 && (
          <span className="docs" title={`${task.artifacts} artifact${task.artifacts === 1 ? "" : "s"}`}>
            <Icon name="doc" />
            {task.artifacts}
          </span>
        )}
        {task.escalated && <span className="flag">escalated</span>}
      </p>
    </article>
  );
}
