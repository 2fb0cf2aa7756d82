import { Text } from "@react-three/drei";
import { useEffect, useMemo, useState } from "react";
import { BoxGeometry, MeshBasicMaterial, SphereGeometry } from "three";
import { useStore } from "zustand";
import { WALL_ARTIFACTS } from "../../../shared/constants";
import type { World } from "../../../shared/world";
import { formatAge } from "../engine/activity";
import { bodyStore, requestArtifactBody, type ArtifactBody } from "../engine/artifact-bodies";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { clip, wallArtifacts } from "../engine/boards";
import { WALL, WALL_H, WALL_W, toWorld, wallPanelCorner, wallPlacement, type Placement } from "../engine/campus-layout";
import { parseChart } from "../engine/chart";
import { parseMarkdown } from "../engine/markdown";
import { panelCentres } from "../engine/picking";
import { appStore, useApp, type AgentMeta, type ArtifactMeta } from "../engine/store";
import { WALL_TYPE, layoutChart, layoutMarkdown, type PanelLayout } from "../engine/wall-layout";
import { batchColour } from "./batched-text";
import { clipRectFor, partAt, type Part } from "./parts";
import { PickableInstances } from "./PickableInstances";

const unitBox = new BoxGeometry(1, 1, 1);
const unitSphere = new SphereGeometry(1, 12, 8);
/** Walls and panels are unlit, like paper; the charts' bars, lines and dots are lit, so they read as 3D. */
const flat = new MeshBasicMaterial();
/** How often the ages on the panels are refreshed (ms). */
const AGE_REFRESH_MS = 30_000;
/** Height of a panel's title strip (m). */
const PANEL_HEADER = 0.22;
const PANEL_Z = 0.09;

interface WallText {
  key: string;
  at: Placement;
  x: number;
  y: number;
  z: number;
  size: number;
  bold: boolean;
  colour: string;
  anchorX: "left" | "center" | "right";
  maxWidth: number;
  nowrap: boolean;
  clipHeight: number;
  text: string;
}

/** Laid-out bodies by artifact id: artifacts never change, so each is laid out once. */
const layoutCache = new Map<string, PanelLayout>();
const LAYOUT_CACHE_LIMIT = 120;

function panelContent(meta: ArtifactMeta, body: ArtifactBody | undefined, width: number, height: number): PanelLayout {
  if (!body || body.state !== "ready") {
    const text = body?.state === "error" ? `Could not load this artifact: ${body.error}` : "Loading…";
    return { texts: [{ text, x: WALL_TYPE.pad, y: -WALL_TYPE.pad, z: 0.012, size: WALL_TYPE.body, bold: false, colour: "#64748b", maxWidth: width - 2 * WALL_TYPE.pad, anchorX: "left", nowrap: false, clipHeight: 0.3 }], boxes: [], spheres: [] };
  }
  const cached = layoutCache.get(meta.id);
  if (cached) return cached;
  let layout: PanelLayout;
  if (meta.kind === "chart") {
    const parsed = parseChart(body.text);
    layout =
      "chart" in parsed
        ? layoutChart(parsed.chart, width, height)
        : { texts: [{ text: `This chart cannot be drawn: ${parsed.error}`, x: WALL_TYPE.pad, y: -WALL_TYPE.pad, z: 0.012, size: WALL_TYPE.body, bold: false, colour: "#b91c1c", maxWidth: width - 2 * WALL_TYPE.pad, anchorX: "left", nowrap: false, clipHeight: 0.3 }], boxes: [], spheres: [] };
  } else {
    layout = layoutMarkdown(parseMarkdown(body.text), width, height);
  }
  if (layoutCache.size >= LAYOUT_CACHE_LIMIT) layoutCache.delete(layoutCache.keys().next().value!);
  layoutCache.set(meta.id, layout);
  return layout;
}

/** Districts with a wall: those whose config lists artifacts or charts, and any that has artifacts. */
export function wallDistricts(world: World, artifacts: Record<string, ArtifactMeta>): World["districts"] {
  const used = new Set(Object.values(artifacts).map((a) => a.district));
  return world.districts.filter((d) => d.boards.includes("artifacts") || d.boards.includes("charts") || used.has(d.id));
}

function layoutWalls(
  world: World,
  artifacts: Record<string, ArtifactMeta>,
  bodies: Record<string, ArtifactBody>,
  agents: Record<string, AgentMeta>,
  now: number,
): { boxes: Part[]; solids: Part[]; spheres: Part[]; texts: WallText[] } {
  const boxes: Part[] = [];
  const solids: Part[] = [];
  const spheres: Part[] = [];
  const texts: WallText[] = [];
  for (const d of wallDistricts(world, artifacts)) {
    const at = wallPlacement(d);
    // The wall: two legs and a backing in the district's colour, a light face.
    boxes.push(partAt(at, -WALL_W / 2 + 0.4, WALL.bottom / 2, -0.05, 0.22, WALL.bottom, 0.22, "#3b4650"));
    boxes.push(partAt(at, WALL_W / 2 - 0.4, WALL.bottom / 2, -0.05, 0.22, WALL.bottom, 0.22, "#3b4650"));
    boxes.push(partAt(at, 0, WALL.bottom + WALL_H / 2, 0, WALL_W + 0.25, WALL_H + 0.25, 0.12, d.colour));
    boxes.push(partAt(at, 0, WALL.bottom + WALL_H / 2, 0.065, WALL_W, WALL_H, 0.02, "#f1f5f9"));
    const list = wallArtifacts(artifacts, d.id, Math.min(WALL_ARTIFACTS, WALL.cols * WALL.rows));
    texts.push({
      key: `${d.id}:wall`,
      at,
      x: -WALL_W / 2 + 0.2,
      y: WALL.bottom + WALL_H - 0.07,
      z: 0.08,
      size: 0.2,
      bold: true,
      colour: "#0f172a",
      anchorX: "left",
      maxWidth: WALL_W - 0.4,
      nowrap: true,
      clipHeight: 0.3,
      text: `${d.name} · Artifacts${list.length ? "" : " — nothing written here yet"}`,
    });
    list.forEach((a, i) => {
      const corner = wallPanelCorner(i);
      const owner = `artifact:${a.id}`;
      const w = WALL.panelW;
      const h = WALL.panelH;
      boxes.push(partAt(at, corner.x + w / 2, corner.y - h / 2, PANEL_Z - 0.01, w, h, 0.02, "#ffffff", owner));
      boxes.push(partAt(at, corner.x + w / 2, corner.y - PANEL_HEADER, PANEL_Z + 0.002, w - 0.12, 0.006, 0.004, "#cbd5e1"));
      const who = agents[a.createdBy]?.name ?? a.createdBy;
      texts.push({ key: `${a.id}:title`, at, x: corner.x + 0.08, y: corner.y - 0.035, z: PANEL_Z + 0.01, size: 0.075, bold: true, colour: "#0f172a", anchorX: "left", maxWidth: w - 0.16, nowrap: true, clipHeight: 0.1, text: clip(a.title, 60) });
      texts.push({
        key: `${a.id}:sub`,
        at,
        x: corner.x + 0.08,
        y: corner.y - 0.125,
        z: PANEL_Z + 0.01,
        size: 0.048,
        bold: false,
        colour: "#64748b",
        anchorX: "left",
        maxWidth: w - 0.16,
        nowrap: true,
        clipHeight: 0.07,
        text: `${a.kind === "chart" ? "Chart" : "Document"} by ${who} · ${formatAge(a.createdAt, now)}`,
      });
      const content = panelContent(a, bodies[a.id], w, h - PANEL_HEADER);
      const top = corner.y - PANEL_HEADER;
      const into = a.kind === "chart" ? solids : boxes;
      for (const b of content.boxes) into.push(partAt(at, corner.x + b.x, top + b.y, PANEL_Z + b.z, b.w, b.h, b.d, b.colour, owner, b.angle ?? 0));
      for (const s of content.spheres) spheres.push(partAt(at, corner.x + s.x, top + s.y, PANEL_Z + s.z, s.r, s.r, s.r, s.colour, owner));
      content.texts.forEach((t, k) =>
        texts.push({ key: `${a.id}:${k}`, at, x: corner.x + t.x, y: top + t.y, z: PANEL_Z + t.z, size: t.size, bold: t.bold, colour: t.colour, anchorX: t.anchorX, maxWidth: t.maxWidth, nowrap: t.nowrap, clipHeight: t.clipHeight, text: t.text }),
      );
    });
  }
  return { boxes, solids, spheres, texts };
}

const agentNames = (s: { agents: Record<string, AgentMeta> }) => Object.values(s.agents).map((a) => `${a.id}\u0001${a.name}`).join("\u0002");

function openArtifact(owner: string): void {
  if (owner.startsWith("artifact:")) appStore.setState({ openArtifact: owner.slice(9) });
}

/**
 * Each district's artifact wall: the newest artifacts as panels, markdown laid out as
 * headings, lists, code and tables, charts as 3D bars, lines or scatters standing out of the
 * panel. All walls together are two instanced meshes and one batched text. Clicking a panel
 * opens it in the reader.
 */
export function ArtifactWalls({ world }: { world: World }) {
  const artifacts = useApp((s) => s.artifacts);
  const bodies = useStore(bodyStore, (s) => s.bodies);
  const names = useApp(agentNames);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), AGE_REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    for (const d of world.districts) for (const a of wallArtifacts(artifacts, d.id, WALL_ARTIFACTS)) requestArtifactBody(a.id);
  }, [world, artifacts]);
  const { boxes, solids, spheres, texts } = useMemo(
    () => layoutWalls(world, artifacts, bodies, appStore.getState().agents, Math.max(now, Date.now())),
    // names stands for the agents' display names.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [world, artifacts, bodies, names, now],
  );
  useEffect(() => {
    panelCentres.clear();
    for (const b of boxes) if (b.owner.startsWith("artifact:") && !panelCentres.has(b.owner.slice(9))) panelCentres.set(b.owner.slice(9), { x: b.x, y: b.y, z: b.z });
  }, [boxes]);
  return (
    <>
      <PickableInstances geometry={unitBox} parts={boxes} onPick={openArtifact} material={flat} />
      <PickableInstances geometry={unitBox} parts={solids} onPick={openArtifact} />
      <PickableInstances geometry={unitSphere} parts={spheres} onPick={openArtifact} />
      <batchedText>
        {texts.map((t) => {
          const p = toWorld(t.at, t.x, t.y, t.z);
          return (
            <Text
              key={t.key}
              position={[p.x, p.y, p.z]}
              rotation-y={t.at.rotY}
              font={t.bold ? FONT_BOLD : FONT_REGULAR}
              fontSize={t.size}
              lineHeight={WALL_TYPE.lineHeight}
              color={batchColour(t.colour)}
              anchorX={t.anchorX}
              anchorY="top"
              maxWidth={t.nowrap ? Infinity : t.maxWidth}
              whiteSpace={t.nowrap ? "nowrap" : "normal"}
              overflowWrap="break-word"
              clipRect={clipRectFor(t.anchorX, t.maxWidth, t.clipHeight)}
            >
              {t.text}
            </Text>
          );
        })}
      </batchedText>
    </>
  );
}
