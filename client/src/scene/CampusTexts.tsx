import { Text } from "@react-three/drei";
import type { ComponentProps } from "react";
import type { World } from "../../../shared/world";
import { FONT_BOLD, FONT_REGULAR } from "../engine/assets";
import { batchColour } from "./batched-text";
import { BOARD, SIGN, boardPlacement, signPlacement, toWorld, type Placement } from "../engine/campus-layout";


type TextProps = ComponentProps<typeof Text>;

/** A text placed in a district's local frame (a sign or a board), as a direct batch member. */
function Placed({ at, local, ...props }: { at: Placement; local: [number, number, number] } & TextProps) {
  const p = toWorld(at, local[0], local[1], local[2]);
  return <Text {...props} position={[p.x, p.y, p.z]} rotation-y={at.rotY} />;
}

/**
 * Every word that never moves: each district's name sign and purpose, and its task board's
 * title (the columns and cards are TaskBoards, which change with the work). One troika BatchedText draws them all in a single draw call, however many
 * districts the config has. (Members must be direct children, so each is placed in world space.)
 */
export function CampusTexts({ world }: { world: World }) {
  const top = BOARD.bottom + BOARD.h;
  return (
    <batchedText>
      {world.districts.flatMap((d) => {
        const sign = signPlacement(d);
        const board = boardPlacement(d);
        return [
          <Placed key={`${d.id}-name`} at={sign} local={[0, SIGN.panelY + 0.02, 0.11]} font={FONT_BOLD} fontSize={0.72} color={batchColour("#ffffff")} anchorX="center" anchorY="middle" maxWidth={SIGN.panelW - 0.4}>
            {d.name}
          </Placed>,
          <Placed
            key={`${d.id}-purpose`}
            at={sign}
            local={[0, SIGN.panelY - SIGN.panelH / 2 - 0.12, 0.02]}
            font={FONT_REGULAR}
            fontSize={0.26}
            color={batchColour("#1f2d3a")}
            anchorX="center"
            anchorY="top"
            maxWidth={SIGN.panelW - 1}
            textAlign="center"
          >
            {d.purpose}
          </Placed>,
          <Placed key={`${d.id}-board`} at={board} local={[-BOARD.w / 2 + 0.3, top - 0.22, 0.16]} font={FONT_BOLD} fontSize={0.34} color={batchColour("#0f172a")} anchorX="left" anchorY="top">
            {`${d.name} · Task board`}
          </Placed>,
        ];
      })}
    </batchedText>
  );
}
