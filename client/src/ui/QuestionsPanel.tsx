import { connection } from "../engine/session";
import { useApp } from "../engine/store";

/** Agents' ask_human questions: anyone here may answer, and the agent resumes at once. */
export function QuestionsPanel() {
  const questions = useApp((s) => s.questions);
  const list = Object.values(questions);
  if (list.length === 0) return null;
  return (
    <div className="questions" data-testid="questions">
      {list.map((q) => (
        <div className="hud-panel question" key={q.requestId} role="alertdialog" aria-label={`${q.agentName} asks`}>
          <div className="muted small">
            {q.agentName} asks{q.taskId ? ` · task ${q.taskId}` : ""}
          </div>
          <div className="question-text">{q.question}</div>
          <div className="question-options">
            {q.options.map((o) => (
              <button key={o} className="secondary" onClick={() => connection.answer(q.requestId, o)}>
                {o}
              </button>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
