import { Text } from "@react-three/drei";
import { useEffect, useMemo, useState } from "react";
import { BoxGeometry, MeshBasicMaterial } from "three";
import type { World } from "../../../shared/world";
import { formatAge } from "../engine/activity";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { assigneeColour, assigneeName, boardColumns, clip } from "../engine/boards";
import { BOARD, BOARD_CARDS, boardColumnX, boardPlacement, toWorld, type Placement } from "../engine/campus-layout";
import { cardCentres } from "../engine/picking";
import { appStore, useApp, type AgentMeta, type PersonMeta, type TaskMeta } from "../engine/store";
import { clipRectFor, partAt, type Part } from "./parts";
import { PickableInstances } from "./PickableInstances";
import { batchColour } from "./batched-text";

/** How often card ages are refreshed (ms). */
const AGE_REFRESH_MS = 30_000;
const unitBox = new BoxGeometry(1, 1, 1);
/** Boards are unlit, like paper under any light: their colours stay true and their text readable. */
const flat = new MeshBasicMaterial();

const TITLE_SIZE = 0.1;
const META_SIZE = 0.074;
const TITLE_LINE = 1.15;

/** What a click on a board part means: "task:<id>" or "new:<district>". */
export function pickBoardPart(owner: string): void {
  if (owner.startsWith("task:")) appStore.setState({ selectedTask: owner.slice(5), openArtifact: null });
  else if (owner.startsWith("new:")) appStore.setState({ newTask: { district: owner.slice(4) } });
}

interface BoardText {
  key: string;
  at: Placement;
  x: number;
  y: number;
  size: number;
  bold: boolean;
  colour: string;
  anchorX: "left" | "center" | "right";
  anchorY: "top" | "middle" | "bottom";
  maxWidth: number;
  clipHeight: number;
  text: string;
}

/**
 * Lays out every district's board: the column headers with counts, the cards (border, face and
 * an assignee stripe as instanced boxes; title and "who · age" as batched text), "+N more",
 * and a "+ New task" button. Pure of React, so the component only memoises it.
 */
export function layoutBoards(
  world: World,
  tasks: Record<string, TaskMeta>,
  agents: Record<string, AgentMeta>,
  people: Record<string, PersonMeta>,
  selected: string | null,
  now: number,
): { parts: Part[]; texts: BoardText[] } {
  const parts: Part[] = [];
  const texts: BoardText[] = [];
  const colW = (BOARD.w - 0.6) / BOARD.columns.length;
  const cardW = colW - 0.22;
  const headerY = BOARD_CARDS.columnTop + 0.2;
  const top = BOARD.bottom + BOARD.h;
  for (const d of world.districts) {
    const at = boardPlacement(d);
    const columns = boardColumns(tasks, d.id);
    // The face and the column backgrounds. Depths step by a centimetre (face 0.095, columns 0.105,
    // card border 0.125, face 0.135, stripe 0.145, text 0.16) so no two surfaces fight.
    parts.push(partAt(at, 0, BOARD.bottom + BOARD.h / 2, 0.085, BOARD.w, BOARD.h, 0.02, "#f8fafc"));
    const colH = BOARD_CARDS.columnTop - BOARD_CARDS.columnBottom;
    const colY = (BOARD_CARDS.columnTop + BOARD_CARDS.columnBottom) / 2;
    for (let i = 0; i < BOARD.columns.length; i++) parts.push(partAt(at, boardColumnX(i), colY, 0.1, colW - 0.1, colH, 0.01, "#e2e8f0")); // front at 0.105
    // "+ New task" button, top right of the board.
    const bx = BOARD.w / 2 - 0.95;
    const by = top - 0.38;
    parts.push(partAt(at, bx, by, 0.12, 1.5, 0.34, 0.04, "#2563eb", `new:${d.id}`));
    texts.push({ key: `${d.id}:new`, at, x: bx, y: by + 0.005, size: 0.13, bold: true, colour: "#ffffff", anchorX: "center", anchorY: "middle", maxWidth: 1.5, clipHeight: 0.3, text: "+ New task" });
    let total = 0;
    columns.forEach((col, ci) => {
      const cx = boardColumnX(ci);
      const count = col.cards.length + col.more;
      total += count;
      texts.push({
        key: `${d.id}:${col.status}:head`,
        at,
        x: cx,
        y: headerY,
        size: 0.15,
        bold: true,
        colour: col.status === "blocked" && count > 0 ? "#b91c1c" : "#475569",
        anchorX: "center",
        anchorY: "middle",
        maxWidth: colW,
        clipHeight: 0.3,
        text: `${col.label.toUpperCase()}${count ? `  ${count}` : ""}`,
      });
      col.cards.forEach((t, j) => {
        const cardTop = BOARD_CARDS.columnTop - BOARD_CARDS.inset - j * BOARD_CARDS.pitch;
        const cy = cardTop - BOARD_CARDS.cardH / 2;
        const owner = `task:${t.id}`;
        const isSelected = t.id === selected;
        const border = isSelected ? "#2563eb" : t.escalated ? "#dc2626" : "#cbd5e1";
        const pad = isSelected || t.escalated ? 0.035 : 0.012;
        parts.push(partAt(at, cx, cy, 0.115, cardW, BOARD_CARDS.cardH, 0.02, border, owner));
        parts.push(partAt(at, cx, cy, 0.125, cardW - 2 * pad, BOARD_CARDS.cardH - 2 * pad, 0.02, t.escalated ? "#fee2e2" : "#ffffff", owner));
        const stripeW = 0.07;
        parts.push(partAt(at, cx - cardW / 2 + pad + stripeW / 2, cy, 0.135, stripeW, BOARD_CARDS.cardH - 2 * pad, 0.02, assigneeColour(t, agents, people), owner));
        const textX = cx - cardW / 2 + pad + stripeW + 0.05;
        const textW = cardW - (textX - (cx - cardW / 2)) - pad - 0.03;
        texts.push({
          key: `${t.id}:title`,
          at,
          x: textX,
          y: cardTop - pad - 0.03,
          size: TITLE_SIZE,
          bold: true,
          colour: "#0f172a",
          anchorX: "left",
          anchorY: "top",
          maxWidth: textW,
          clipHeight: 2 * TITLE_SIZE * TITLE_LINE,
          text: clip(t.title, 70),
        });
        const artifacts = t.artifacts > 0 ? ` · ${t.artifacts} doc${t.artifacts === 1 ? "" : "s"}` : "";
        texts.push({
          key: `${t.id}:meta`,
          at,
          x: textX,
          y: cardTop - BOARD_CARDS.cardH + pad + 0.02 + META_SIZE * 1.15,
          size: META_SIZE,
          bold: t.escalated,
          colour: t.escalated ? "#b91c1c" : "#475569",
          anchorX: "left",
          anchorY: "top",
          maxWidth: textW,
          clipHeight: META_SIZE * 1.2,
          text: `${t.escalated ? "ESCALATED · " : ""}${assigneeName(t, agents)} · ${formatAge(t.updatedAt || t.createdAt, now)}${artifacts}`,
        });
      });
      if (col.more > 0) {
        const y = BOARD_CARDS.columnTop - BOARD_CARDS.inset - col.cards.length * BOARD_CARDS.pitch - 0.02;
        texts.push({ key: `${d.id}:${col.status}:more`, at, x: cx, y, size: 0.075, bold: false, colour: "#475569", anchorX: "center", anchorY: "top", maxWidth: colW, clipHeight: 0.1, text: `+${col.more} more` });
      }
    });
    if (total === 0) {
      texts.push({
        key: `${d.id}:empty`,
        at,
        x: 0,
        y: (BOARD_CARDS.columnTop + BOARD_CARDS.columnBottom) / 2,
        size: 0.13,
        bold: false,
        colour: "#64748b",
        anchorX: "center",
        anchorY: "middle",
        maxWidth: BOARD.w,
        clipHeight: 0.3,
        text: "No tasks yet — press N or “+ New task” to add one",
      });
    }
  }
  return { parts, texts };
}

/** A key that changes only when what the boards show of agents (name, colour) changes. */
const agentLook = (s: { agents: Record<string, AgentMeta> }) => Object.values(s.agents).map((a) => `${a.id}\u0001${a.name}\u0001${a.colour}`).join("\u0002");
const peopleLook = (s: { people: Record<string, PersonMeta> }) => Object.values(s.people).map((p) => `${p.name}\u0001${p.colour}`).join("\u0002");

/**
 * Every district's task board with its live cards: one instanced mesh for all card shapes and
 * one batched text for all their words, however many boards and cards there are. Clicking a
 * card opens its detail; "+ New task" opens the new-task dialog for that board.
 */
export function TaskBoards({ world }: { world: World }) {
  const tasks = useApp((s) => s.tasks);
  const selected = useApp((s) => s.selectedTask);
  const agentKey = useApp(agentLook);
  const peopleKey = useApp(peopleLook);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), AGE_REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  const { parts, texts } = useMemo(() => {
    const { agents, people } = appStore.getState();
    return layoutBoards(world, tasks, agents, people, selected, Math.max(now, Date.now()));
    // agentKey/peopleKey stand for the agents' and people's names and colours.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [world, tasks, selected, agentKey, peopleKey, now]);
  useEffect(() => {
    cardCentres.clear();
    // The face of a card is its second part; record where each card is, for tests and tools.
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.owner.startsWith("task:") && !cardCentres.has(p.owner.slice(5))) {
        const face = parts[i + 1]!;
        cardCentres.set(p.owner.slice(5), { x: face.x, y: face.y, z: face.z });
      }
    }
  }, [parts]);
  return (
    <>
      <PickableInstances geometry={unitBox} parts={parts} onPick={pickBoardPart} material={flat} />
      <batchedText>
        {texts.map((t) => {
          const p = toWorld(t.at, t.x, t.y, 0.16);
          return (
            <Text
              key={t.key}
              position={[p.x, p.y, p.z]}
              rotation-y={t.at.rotY}
              font={t.bold ? FONT_BOLD : FONT_REGULAR}
              fontSize={t.size}
              lineHeight={TITLE_LINE}
              color={batchColour(t.colour)}
              anchorX={t.anchorX}
              anchorY={t.anchorY}
              maxWidth={t.maxWidth}
              clipRect={t.anchorY === "top" ? clipRectFor(t.anchorX, t.maxWidth, t.clipHeight) : undefined}
            >
              {t.text}
            </Text>
          );
        })}
      </batchedText>
    </>
  );
}
