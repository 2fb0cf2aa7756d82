import { Text } from "@react-three/drei";
import type { District } from "../../../shared/world";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { BOARD, SIGN, boardColumnX, boardPlacement, signPlacement } from "../engine/campus-layout";

/**
 * The words of one district: its name sign and purpose, and the placeholder task board's title
 * and columns. The solid parts are drawn, for all districts at once, by InstancedBoxes.
 */
export function DistrictText({ district }: { district: District }) {
  const sign = signPlacement(district);
  const board = boardPlacement(district);
  const top = BOARD.bottom + BOARD.h;
  return (
    <>
      <group position={[sign.x, 0, sign.z]} rotation-y={sign.rotY}>
        <Text font={FONT_BOLD} position={[0, SIGN.panelY + 0.02, 0.11]} fontSize={0.72} color="#ffffff" anchorX="center" anchorY="middle" maxWidth={SIGN.panelW - 0.4}>
          {district.name}
        </Text>
        <Text font={FONT_REGULAR} position={[0, SIGN.panelY - SIGN.panelH / 2 - 0.12, 0.02]} fontSize={0.26} color="#1f2d3a" anchorX="center" anchorY="top" maxWidth={SIGN.panelW - 1} textAlign="center">
          {district.purpose}
        </Text>
      </group>
      <group position={[board.x, 0, board.z]} rotation-y={board.rotY}>
        <Text font={FONT_BOLD} position={[-BOARD.w / 2 + 0.3, top - 0.22, 0.1]} fontSize={0.34} color="#0f172a" anchorX="left" anchorY="top">
          {`${district.name} · Task board`}
        </Text>
        {BOARD.columns.map((c, i) => (
          <Text key={c} font={FONT_BOLD} position={[boardColumnX(i), top - 0.82, 0.11]} fontSize={0.2} color="#475569" anchorX="center" anchorY="middle" letterSpacing={0.06}>
            {c.toUpperCase()}
          </Text>
        ))}
      </group>
    </>
  );
}
