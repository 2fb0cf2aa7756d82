import { seededRandom } from "../../../shared/random";
import type { District, World } from "../../../shared/world";

/**
 * Where the campus furniture goes: paths, trees, buildings, signs and boards. Pure functions
 * of the world config (seeded, so every visitor sees the same campus), kept out of React.
 * Rotation convention: an object whose front faces +z gets rotY = atan2(dx, dz) to face (dx, dz).
 */

export interface PathSegment {
  x: number;
  z: number;
  length: number;
  width: number;
  rotY: number;
}

export interface Tree {
  x: number;
  z: number;
  scale: number;
}

export interface Placement {
  x: number;
  z: number;
  rotY: number;
}

export const PATH_WIDTH = 3;
export const TREE_COUNT = 160;
/** Trees grow this far past the campus edge, so the campus sits in a park. */
export const TREE_BORDER = 30;
/** Open lawn kept around the plaza and beside the paths, so trees don't crowd the camera (m). */
const PLAZA_CLEARANCE = 8;
const PATH_CLEARANCE = 3;

/** Unit vector from a district towards the plaza centre. */
function towardsCentre(d: District): [number, number] {
  const len = Math.hypot(d.position[0], d.position[1]) || 1;
  return [-d.position[0] / len, -d.position[1] / len];
}

export function rotationFacing(dx: number, dz: number): number {
  return Math.atan2(dx, dz);
}

/** A straight path from the plaza's rim to each district's rim. */
export function layoutPaths(world: World): PathSegment[] {
  return world.districts.map((d) => {
    const [cx, cz] = towardsCentre(d);
    const dist = Math.hypot(d.position[0], d.position[1]);
    const start = world.plaza.radius - 0.5;
    const end = dist - d.radius + 0.5;
    const mid = (start + end) / 2;
    return { x: -cx * mid, z: -cz * mid, length: Math.max(0, end - start), width: PATH_WIDTH, rotY: rotationFacing(cx, cz) };
  });
}

/** The name sign stands at the district's plaza-side rim and faces the plaza. */
export function signPlacement(d: District): Placement {
  const [cx, cz] = towardsCentre(d);
  return { x: d.position[0] + cx * (d.radius - 1.5), z: d.position[1] + cz * (d.radius - 1.5), rotY: rotationFacing(cx, cz) };
}

/** The board stands towards the back of the district and faces the plaza. */
export function boardPlacement(d: District): Placement {
  const [cx, cz] = towardsCentre(d);
  return { x: d.position[0] - cx * d.radius * 0.45, z: d.position[1] - cz * d.radius * 0.45, rotY: rotationFacing(cx, cz) };
}

/** Mixes two #rrggbb colours: t = 0 gives a, t = 1 gives b. */
export function mixHex(a: string, b: string, t: number): string {
  const parse = (h: string) => {
    const full = h.length === 4 ? `#${h[1]}${h[1]}${h[2]}${h[2]}${h[3]}${h[3]}` : h;
    return [1, 3, 5].map((i) => parseInt(full.slice(i, i + 2), 16));
  };
  const ca = parse(a);
  const cb = parse(b);
  return `#${ca.map((v, i) => Math.round(v + (cb[i]! - v) * t).toString(16).padStart(2, "0")).join("")}`;
}

/** Three buildings behind each district, tinted with its colour. */
export function layoutBuildings(world: World, seed = 11): Box[] {
  const rand = seededRandom(seed);
  const out: Box[] = [];
  for (const d of world.districts) {
    const [cx, cz] = towardsCentre(d);
    const [sx, sz] = [-cz, cx]; // sideways
    for (const side of [-1, 0, 1]) {
      const back = d.radius + 5 + (side === 0 ? 2 : 0);
      const lateral = side * 9;
      const h = side === 0 ? 10 + rand() * 4 : 5 + rand() * 4;
      out.push({
        x: d.position[0] - cx * back + sx * lateral,
        y: h / 2,
        z: d.position[1] - cz * back + sz * lateral,
        w: 7 + rand() * 2,
        h,
        d: 6 + rand() * 2,
        rotY: rotationFacing(cx, cz),
        colour: mixHex(d.colour, "#ffffff", side === 0 ? 0.35 : 0.6),
      });
    }
  }
  return out;
}

/** Paths as flat boxes, for the same instanced mesh as the props. */
export function pathBoxes(paths: readonly PathSegment[]): Box[] {
  return paths.map((p) => ({ x: p.x, y: 0.012, z: p.z, w: p.width, h: 0.02, d: p.length, rotY: p.rotY, colour: "#e9e2d2" }));
}

function distanceToSegment(px: number, pz: number, p: PathSegment): number {
  const dx = Math.sin(p.rotY);
  const dz = Math.cos(p.rotY);
  const rx = px - p.x;
  const rz = pz - p.z;
  const along = Math.max(-p.length / 2, Math.min(p.length / 2, rx * dx + rz * dz));
  return Math.hypot(rx - along * dx, rz - along * dz);
}

/** Trees on the open grass: not on the plaza, a district, a path or a building. */
export function layoutTrees(world: World, count = TREE_COUNT, seed = 7): Tree[] {
  const rand = seededRandom(seed);
  const paths = layoutPaths(world);
  const buildings = layoutBuildings(world);
  const outer = world.campusRadius + TREE_BORDER;
  const trees: Tree[] = [];
  for (let attempt = 0; trees.length < count && attempt < count * 40; attempt++) {
    const r = Math.sqrt(rand()) * outer;
    const a = rand() * Math.PI * 2;
    const x = Math.cos(a) * r;
    const z = Math.sin(a) * r;
    if (r < world.plaza.radius + PLAZA_CLEARANCE) continue;
    if (world.districts.some((d) => Math.hypot(x - d.position[0], z - d.position[1]) < d.radius + 2.5)) continue;
    if (paths.some((p) => distanceToSegment(x, z, p) < p.width / 2 + PATH_CLEARANCE)) continue;
    if (buildings.some((b) => Math.hypot(x - b.x, z - b.z) < Math.max(b.w, b.d) * 0.75 + 1)) continue;
    trees.push({ x, z, scale: 0.8 + rand() * 0.7 });
  }
  return trees;
}

/** A box in world space: position of its centre, size, yaw and colour. */
export interface Box {
  x: number;
  y: number;
  z: number;
  w: number;
  h: number;
  d: number;
  rotY: number;
  colour: string;
}

/** Sign and board dimensions, shared by the boxes here and the text in the scene. */
export const SIGN = { halfSpan: 3.6, postHeight: 3.2, panelY: 3.5, panelW: 7.8, panelH: 1.3 } as const;
export const BOARD = { w: 9.4, h: 4.0, bottom: 0.9, columns: ["To do", "Doing", "Review", "Done", "Blocked"] } as const;
/** Cards on a board, in the board's frame: where the column area starts and ends (y), card size and pitch (m). */
export const BOARD_CARDS = {
  columnTop: BOARD.bottom + BOARD.h - 1.0,
  columnBottom: BOARD.bottom + 0.12,
  cardH: 0.44,
  pitch: 0.5,
  /** Cards start this far below the column top. */
  inset: 0.08,
} as const;

/**
 * An artifact wall: a grid of panels beside the task board, turned in towards the district so
 * it can be read from the same spot. Sizes in metres.
 */
export const WALL = { cols: 3, rows: 2, panelW: 2.1, panelH: 1.7, gap: 0.12, header: 0.38, bottom: 0.85, turn: 0.6, boardGap: 0.7 } as const;
export const WALL_W = WALL.cols * WALL.panelW + (WALL.cols + 1) * WALL.gap;
export const WALL_H = WALL.rows * WALL.panelH + (WALL.rows + 1) * WALL.gap + WALL.header;

/** The wall stands to the right of the board (as you face it), its near edge by the board's edge. */
export function wallPlacement(d: District): Placement {
  const board = boardPlacement(d);
  const lx = BOARD.w / 2 + WALL.boardGap + Math.cos(WALL.turn) * (WALL_W / 2);
  const lz = Math.sin(WALL.turn) * (WALL_W / 2);
  const p = toWorld(board, lx, 0, lz);
  return { x: p.x, z: p.z, rotY: board.rotY - WALL.turn };
}

/** Top-left corner of wall panel `i` (0 = bottom-left, newest) in the wall's frame. */
export function wallPanelCorner(i: number): { x: number; y: number } {
  const row = WALL.rows - 1 - Math.floor(i / WALL.cols); // 0 = top row
  const col = i % WALL.cols;
  return {
    x: -WALL_W / 2 + WALL.gap + col * (WALL.panelW + WALL.gap),
    y: WALL.bottom + WALL_H - WALL.header - WALL.gap - row * (WALL.panelH + WALL.gap),
  };
}
const POST_COLOUR = "#3b4650";

/** Local (x, y, z) in a frame at `at` turned by `at.rotY`, to world space. */
export function toWorld(at: Placement, lx: number, ly: number, lz: number): { x: number; y: number; z: number } {
  const c = Math.cos(at.rotY);
  const s = Math.sin(at.rotY);
  return { x: at.x + lx * c + lz * s, y: ly, z: at.z - lx * s + lz * c };
}

/** Centre x of board column i, in the board's own frame. */
export function boardColumnX(i: number): number {
  const colW = (BOARD.w - 0.6) / BOARD.columns.length;
  return -BOARD.w / 2 + 0.3 + colW * i + colW / 2;
}

/**
 * Every solid box of the signs and boards, for all districts at once, so the scene draws them
 * as one instanced mesh (one draw call however many districts there are).
 */
export function layoutProps(world: World): Box[] {
  const boxes: Box[] = [];
  const add = (at: Placement, lx: number, ly: number, lz: number, w: number, h: number, d: number, colour: string) => {
    const p = toWorld(at, lx, ly, lz);
    boxes.push({ ...p, w, h, d, rotY: at.rotY, colour });
  };
  for (const district of world.districts) {
    const sign = signPlacement(district);
    add(sign, -SIGN.halfSpan, SIGN.postHeight / 2, 0, 0.25, SIGN.postHeight, 0.25, POST_COLOUR);
    add(sign, SIGN.halfSpan, SIGN.postHeight / 2, 0, 0.25, SIGN.postHeight, 0.25, POST_COLOUR);
    add(sign, 0, SIGN.panelY, 0, SIGN.panelW, SIGN.panelH, 0.2, district.colour);

    const board = boardPlacement(district);
    const mid = BOARD.bottom + BOARD.h / 2;
    add(board, 0, BOARD.bottom / 2, -0.05, 0.3, BOARD.bottom, 0.3, POST_COLOUR);
    add(board, 0, mid, 0, BOARD.w + 0.3, BOARD.h + 0.3, 0.15, district.colour);
    // The board's face and columns are drawn unlit with the cards (scene/TaskBoards), so they read like paper.
  }
  return boxes;
}

/** The fountain in the middle of the plaza (m). */
export const FOUNTAIN_RADIUS = 2.6;
/** How far a person's centre stays from a wall (m): roughly the avatar's radius. */
const BODY_RADIUS = 0.35;

/** Round stand-ins for what people should walk around: the fountain and the buildings. */
export function layoutObstacles(world: World): { x: number; z: number; r: number }[] {
  return [
    { x: 0, z: 0, r: FOUNTAIN_RADIUS + BODY_RADIUS },
    ...layoutBuildings(world).map((b) => ({ x: b.x, z: b.z, r: Math.hypot(b.w, b.d) * 0.4 + BODY_RADIUS })),
  ];
}
