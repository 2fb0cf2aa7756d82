import { useState } from "react";
import type { QuestionPayload } from "../../../shared/protocol/messages";
import { connection } from "../engine/session";
import { appStore, useApp } from "../engine/store";

/** Longest comment sent with an answer (characters; shared/protocol/schemas.ts answerSchema). */
const MAX_COMMENT = 500;

function Question({ q }: { q: QuestionPayload }) {
  const [comment, setComment] = useState("");
  const answer = (choice: string) => connection.answer(q.requestId, choice, comment.trim() || undefined);
  return (
    <div className="hud-panel question" role="alertdialog" aria-label={`${q.agentName} asks`}>
      <div className="muted small">
        {q.agentName} asks
        {q.taskId ? (
          <>
            {" · "}
            <button className="link-button" onClick={() => appStore.setState({ selectedTask: q.taskId })}>
              open the task
            </button>
          </>
        ) : null}
      </div>
      <div className="question-text">{q.question}</div>
      <input
        className="comment-input"
        name="comment"
        value={comment}
        maxLength={MAX_COMMENT}
        placeholder="Comment (optional), sent with your answer"
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="question-options">
        {q.options.map((o) => (
          <button key={o} className="secondary" onClick={() => answer(o)}>
            {o}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Agents' ask_human questions: anyone here may answer, with a comment, and the agent resumes at once. */
export function QuestionsPanel() {
  const questions = useApp((s) => s.questions);
  const list = Object.values(questions);
  if (list.length === 0) return null;
  return (
    <div className="questions" data-testid="questions">
      {list.map((q) => (
        <Question key={q.requestId} q={q} />
      ))}
    </div>
  );
}
