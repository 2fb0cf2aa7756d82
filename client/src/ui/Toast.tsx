import { useEffect, useState } from "react";
import { useApp } from "../engine/store";

/** How long a notice stays up (ms). */
export const TOAST_MS = 4000;

export function Toast() {
  const notice = useApp((s) => s.notice);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!notice) return;
    setVisible(true);
    const t = setTimeout(() => setVisible(false), TOAST_MS);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice || !visible) return null;
  return (
    <div className="toast" data-kind={notice.kind} role={notice.kind === "error" ? "alert" : "status"} key={notice.seq}>
      {notice.text}
    </div>
  );
}
