import { Billboard, Text } from "@react-three/drei";
import type { World } from "../../../shared/world";
import { FONT_BOLD } from "../engine/assets";
import { FOUNTAIN_RADIUS } from "../engine/campus-layout";

/** The central plaza: a paved disc, a fountain and the campus name. */
export function Plaza({ world }: { world: World }) {
  const r = world.plaza.radius;
  return (
    <group>
      <mesh rotation-x={-Math.PI / 2} position-y={0.01} raycast={() => null}>
        <circleGeometry args={[r, 64]} />
        <meshLambertMaterial color={world.plaza.colour} />
      </mesh>
      <mesh rotation-x={-Math.PI / 2} position-y={0.02} raycast={() => null}>
        <ringGeometry args={[r - 0.5, r, 64]} />
        <meshLambertMaterial color="#b9b2a2" />
      </mesh>
      {/* Fountain */}
      <mesh position-y={0.3}>
        <cylinderGeometry args={[FOUNTAIN_RADIUS - 0.2, FOUNTAIN_RADIUS, 0.6, 32]} />
        <meshLambertMaterial color="#c9c2b1" />
      </mesh>
      <mesh position-y={0.62}>
        <cylinderGeometry args={[FOUNTAIN_RADIUS - 0.5, FOUNTAIN_RADIUS - 0.5, 0.05, 32]} />
        <meshLambertMaterial color="#5fa8d3" />
      </mesh>
      <mesh position-y={1.6}>
        <cylinderGeometry args={[0.25, 0.35, 2, 12]} />
        <meshLambertMaterial color="#c9c2b1" />
      </mesh>
      <Billboard position={[0, 4.4, 0]} lockX lockZ>
        <Text font={FONT_BOLD} fontSize={0.75} color="#1f2d3a" anchorX="center" anchorY="middle" outlineWidth={0.04} outlineColor="#ffffff">
          {world.name}
        </Text>
      </Billboard>
    </group>
  );
}
