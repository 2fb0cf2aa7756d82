/** The replay's few icons, drawn as SVG (no icon font, no emoji: they render the same everywhere). */
export function Icon({ name }: { name: "start" | "play" | "pause" | "doc" }) {
  const paths: Record<typeof name, string> = {
    start: "M3 2h2v12H3zM14 2v12L6 8z",
    play: "M4 2.5v11L13.5 8z",
    pause: "M4 2h3v12H4zM9 2h3v12H9z",
    doc: "M4 1h5l4 4v10H4zM9 1v4h4",
  };
  return (
    <svg className="icon-svg" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill={name === "doc" ? "none" : "currentColor"} stroke={name === "doc" ? "currentColor" : "none"} strokeWidth="1.4" strokeLinejoin="round" />
    </svg>
  );
}
