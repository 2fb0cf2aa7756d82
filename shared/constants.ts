/**
 * Tunables shared by client and server. Each has its default beside it; change them here,
 * not at the call sites.
 */

/** How often the server sends state patches to clients (ms). 50 ms = 20 Hz. */
export const PATCH_INTERVAL_MS = 50;

/** How often a client sends its own pose while it moves (ms). Matches the patch rate. */
export const CLIENT_SEND_INTERVAL_MS = 50;

/** Walking speed of a person on desktop (m/s). */
export const WALK_SPEED = 4;

/** Running speed while Shift is held (m/s). The server's speed limit is based on this. */
export const RUN_SPEED = 7;

/**
 * Server-side speed check: a move may cover at most
 * `RUN_SPEED * MOVE_SPEED_TOLERANCE * dt + MOVE_SLACK_M`, with dt capped at MOVE_MAX_DT_S.
 * The tolerance absorbs network jitter; the cap stops a client from "saving up" distance.
 */
export const MOVE_SPEED_TOLERANCE = 1.5;
export const MOVE_SLACK_M = 0.5;
export const MOVE_MAX_DT_S = 0.5;

/** Remote avatars are drawn this far in the past so there are two snapshots to blend (ms). */
export const INTERPOLATION_DELAY_MS = 100;

/**
 * Interest management (server/src/rooms/interest.ts): what is not near a client reaches it only
 * as a coarse pose, refreshed this often (ms). Spectators get only coarse poses.
 */
export const COARSE_POSE_INTERVAL_MS = 1000;

/** Something known only by its coarse pose is drawn this far in the past, so two coarse poses bracket it (ms). */
export const COARSE_INTERPOLATION_DELAY_MS = COARSE_POSE_INTERVAL_MS + 150;
/** Something known by coarse poses is drawn this much longer ago than they come (ms), whatever their interval. */
export const COARSE_DELAY_MARGIN_MS = COARSE_INTERPOLATION_DELAY_MS - COARSE_POSE_INTERVAL_MS;
/**
 * Coarse poses a client gets per second at most: in a room of more people and agents than this,
 * each one's coarse pose comes less often than COARSE_POSE_INTERVAL_MS (a spectator's than
 * SPECTATOR_COARSE_POSE_INTERVAL_MS), so a client's downstream stays flat as the room grows.
 */
export const COARSE_POSES_PER_S = 100;

/** A spectator (a wall screen) gets only coarse poses, this often (ms), drawn SPECTATOR_INTERPOLATION_DELAY_MS in the past. */
export const SPECTATOR_COARSE_POSE_INTERVAL_MS = 2000;
export const SPECTATOR_INTERPOLATION_DELAY_MS = SPECTATOR_COARSE_POSE_INTERVAL_MS + 150;

/** When something switches between full and coarse poses, its drawing delay glides between the two over this long (ms). */
export const INTERPOLATION_DELAY_GLIDE_MS = 2000;

/** How long a dropped client keeps its avatar and place while it reconnects (s). */
export const RECONNECT_GRACE_S = 30;

/** Longest display name a person may choose (characters). */
export const MAX_NAME_LENGTH = 32;

/** Room name clients join; one room instance per workspace id. */
export const WORKSPACE_ROOM = "workspace";

/** Workspace joined when the URL names none. */
export const DEFAULT_WORKSPACE = "main";

/** Longest thing a person may say to an agent in one message (characters). */
export const MAX_TALK_LENGTH = 2000;

/** Done cards a task board keeps showing, newest first; older ones stay in the store and the API. */
export const BOARD_DONE_CARDS = 6;

/** Artifacts a district's wall shows, newest first. */
export const WALL_ARTIFACTS = 6;

/** Activity items sent to a client when it joins. */
export const ACTIVITY_BACKLOG = 50;

/** Longest task title and description a person may write (characters). */
export const MAX_TASK_TITLE_LENGTH = 120;
export const MAX_TASK_DESCRIPTION_LENGTH = 4000;
