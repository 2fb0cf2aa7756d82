import { useEffect, useRef } from "react";
import { agentAtPoint, drawAgent, drawBubble, drawCampus, fitView, type MapAgent, type MapView, type MapWorld } from "./map-draw";

export interface CampusMapProps {
  world: MapWorld;
  /**
   * Called once per animation frame: the agents to draw now. Return the same array and the same
   * objects each time, updated in place, so drawing allocates nothing per frame.
   */
  getAgents: () => readonly MapAgent[];
  /** The agent drawn with a dashed ring, or null. */
  selectedId?: string | null;
  onAgentClick?: (id: string | null) => void;
  /** Accessible description of what the map shows. */
  label: string;
  /** Text size factor for names, labels and bubbles (1 = as designed; a wall screen passes more). */
  textScale?: number;
  /**
   * Draws more on top of the agents, before the bubbles (the live dashboard: people, tasks,
   * hand-off arcs). Called every frame in CSS pixels; must not allocate.
   */
  drawOverlay?: (ctx: CanvasRenderingContext2D, view: MapView, nowMs: number) => void;
}

/**
 * A top-down 2D map of the campus on a canvas, redrawn every animation frame from `getAgents`.
 * Sized by its container (ResizeObserver) and sharp on high-DPI screens. Used by the replay and,
 * with live agents, a larger text scale and an overlay, by the spectator dashboard.
 */
export function CampusMap({ world, getAgents, selectedId = null, onAgentClick, label, textScale = 1, drawOverlay }: CampusMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const props = useRef({ getAgents, selectedId, onAgentClick, world, textScale, drawOverlay });
  props.current = { getAgents, selectedId, onAgentClick, world, textScale, drawOverlay };
  const view = useRef<MapView>({ cx: 0, cy: 0, scale: 1, width: 0, height: 0 });

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    let frame = 0;
    // The ground never changes: drawn once per size (and world) into this layer, copied each frame.
    const ground = document.createElement("canvas");
    const groundCtx = ground.getContext("2d");
    let groundOf: MapWorld | null = null;
    let groundScale = 1;
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      const { width, height } = canvas.getBoundingClientRect();
      canvas.width = ground.width = Math.max(1, Math.round(width * dpr));
      canvas.height = ground.height = Math.max(1, Math.round(height * dpr));
      fitView(props.current.world, width, height, view.current);
      groundOf = null;
    };
    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      const { world: w, getAgents: get, selectedId: sel, textScale: ts, drawOverlay: overlay } = props.current;
      const v = view.current;
      const dpr = window.devicePixelRatio || 1;
      if ((groundOf !== w || groundScale !== ts) && groundCtx) {
        fitView(w, v.width, v.height, v);
        groundCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
        groundCtx.clearRect(0, 0, v.width, v.height);
        drawCampus(groundCtx, w, v, ts);
        groundOf = w;
        groundScale = ts;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(ground, 0, 0);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const agents = get();
      for (const a of agents) if (a.visible) drawAgent(ctx, a, v, now, a.id === sel, ts);
      overlay?.(ctx, v, now);
      for (const a of agents) if (a.visible) drawBubble(ctx, a, v, ts);
    };
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    resize();
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const handler = props.current.onAgentClick;
    if (!handler) return;
    const rect = e.currentTarget.getBoundingClientRect();
    handler(agentAtPoint(props.current.getAgents(), view.current, e.clientX - rect.left, e.clientY - rect.top));
  };

  return <canvas ref={canvasRef} className="campus-map" role="img" aria-label={label} data-testid="campus-map" onClick={onClick} />;
}
