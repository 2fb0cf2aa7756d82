import { Billboard, Text } from "@react-three/drei";
import { useFrame } from "@react-three/fiber";
import { useMemo, useRef } from "react";
import { BoxGeometry, MeshBasicMaterial, type Group } from "three";
import type { QuestionPayload } from "../../../shared/protocol/messages";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { clip } from "../engine/boards";
import { renderedAgentPoses } from "../engine/people";
import { connection } from "../engine/session";
import { useApp } from "../engine/store";
import { estimateLines } from "../engine/wall-layout";
import { batchColour } from "./batched-text";
import type { Part } from "./parts";
import { PickableInstances } from "./PickableInstances";

/** Answer panels shown at once (each is two draw calls). */
export const MAX_ANSWER_PANELS = 3; // default 3
const PANEL_W = 2.1;
const QUESTION_SIZE = 0.1;
const BUTTON_H = 0.28;
/** Where the panel floats: beside the agent, towards the viewer's right (m). */
const SIDE = 1.6;
const HEIGHT = 1.55;

const unitBox = new BoxGeometry(1, 1, 1);
const flat = new MeshBasicMaterial();

function part(x: number, y: number, z: number, sx: number, sy: number, colour: string, owner = ""): Part {
  return { x, y, z, sx, sy, sz: 0.03, rotY: 0, angle: 0, colour, owner };
}

/** The panel's boxes (background, one button per option) and texts, in its own frame. */
export function answerPanelLayout(q: QuestionPayload): { parts: Part[]; height: number; question: string; buttons: { x: number; y: number; w: number; label: string }[] } {
  const question = clip(q.question, 200);
  const lines = Math.min(4, estimateLines(question, QUESTION_SIZE, PANEL_W - 0.2, true));
  const height = 0.22 + 0.12 + lines * QUESTION_SIZE * 1.2 + 0.12 + BUTTON_H + 0.22;
  const parts: Part[] = [part(0, 0, -0.02, PANEL_W, height, "#0f172a"), part(0, height / 2 - 0.015, -0.01, PANEL_W, 0.03, "#f43f5e")];
  const n = Math.max(1, q.options.length);
  const gap = 0.08;
  const w = (PANEL_W - 0.2 - gap * (n - 1)) / n;
  const y = -height / 2 + 0.22 + BUTTON_H / 2;
  const buttons = q.options.map((label, i) => {
    const x = -PANEL_W / 2 + 0.1 + w / 2 + i * (w + gap);
    const good = /approve|yes|ok|accept/i.test(label);
    parts.push(part(x, y, 0, w, BUTTON_H, good ? "#16a34a" : i === 0 ? "#2563eb" : "#475569", label));
    return { x, y, w, label };
  });
  return { parts, height, question, buttons };
}

function AnswerPanel({ q }: { q: QuestionPayload }) {
  const ref = useRef<Group>(null);
  const layout = useMemo(() => answerPanelLayout(q), [q]);
  useFrame(({ camera }) => {
    const g = ref.current;
    const a = renderedAgentPoses.get(q.agentId);
    if (!g) return;
    g.visible = !!a;
    if (!a) return;
    let dx = camera.position.x - a.x;
    let dz = camera.position.z - a.z;
    const len = Math.hypot(dx, dz) || 1;
    dx /= len;
    dz /= len;
    // The viewer's right, seen from the camera looking at the agent, is (dz, -dx).
    g.position.set(a.x + dz * SIDE + dx * 0.4, HEIGHT, a.z - dx * SIDE + dz * 0.4);
  });
  const top = layout.height / 2;
  return (
    <group ref={ref} visible={false}>
      <Billboard>
        <PickableInstances geometry={unitBox} parts={layout.parts} onPick={(choice) => connection.answer(q.requestId, choice)} material={flat} />
        <batchedText>
          <Text position={[-PANEL_W / 2 + 0.1, top - 0.12, 0.02]} font={FONT_BOLD} fontSize={0.075} color={batchColour("#fda4af")} anchorX="left" anchorY="top" maxWidth={PANEL_W - 0.2}>
            {`${q.agentName.toUpperCase()} ASKS YOU`}
          </Text>
          <Text
            position={[-PANEL_W / 2 + 0.1, top - 0.26, 0.02]}
            font={FONT_BOLD}
            fontSize={QUESTION_SIZE}
            lineHeight={1.2}
            color={batchColour("#ffffff")}
            anchorX="left"
            anchorY="top"
            maxWidth={PANEL_W - 0.2}
            clipRect={[-0.02, -4 * QUESTION_SIZE * 1.2, PANEL_W, 0.1]}
          >
            {layout.question}
          </Text>
          {layout.buttons.map((b) => (
            <Text key={b.label} position={[b.x, b.y, 0.03]} font={FONT_BOLD} fontSize={0.1} color={batchColour("#ffffff")} anchorX="center" anchorY="middle" maxWidth={b.w - 0.06} whiteSpace="nowrap" clipRect={[-b.w / 2 + 0.03, -0.2, b.w / 2 - 0.03, 0.2]}>
              {b.label}
            </Text>
          ))}
          <Text position={[0, -layout.height / 2 + 0.11, 0.02]} font={FONT_REGULAR} fontSize={0.06} color={batchColour("#cbd5e1")} anchorX="center" anchorY="middle" maxWidth={PANEL_W - 0.2}>
            Anyone here can answer · add a comment in the HUD card
          </Text>
        </batchedText>
      </Billboard>
    </group>
  );
}

/**
 * In-world answer panels beside agents that wait for a person (ask_human): the question and
 * one button per option. A click answers at once, exactly like the HUD card; they work
 * unchanged in a headset because they are meshes and troika text, not DOM.
 */
export function AnswerPanels() {
  const questions = useApp((s) => s.questions);
  const list = Object.values(questions).slice(0, MAX_ANSWER_PANELS);
  return (
    <>
      {list.map((q) => (
        <AnswerPanel key={q.requestId} q={q} />
      ))}
    </>
  );
}
