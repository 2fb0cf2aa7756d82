import { CLIENT_SEND_INTERVAL_MS, COARSE_POSES_PER_S, PATCH_INTERVAL_MS } from "../../../shared/constants";

/*
 * How often poses go each way as a room grows: the rates that keep a big room's pose stream
 * (interest.ts) within its budgets, sent to clients in each pose message's header.
 */

/**
 * How often (ms, whole patches) each of `entities` people and agents gets its coarse pose to a
 * client: every `minMs`, or less often where that would be more than COARSE_POSES_PER_S a second.
 */
export function coarseIntervalMs(entities: number, minMs: number): number {
  const ms = Math.max(minMs, (entities * 1000) / COARSE_POSES_PER_S);
  return Math.ceil(ms / PATCH_INTERVAL_MS) * PATCH_INTERVAL_MS;
}

/**
 * The most moves a room reads a second from all its people together (a hundred people at the
 * client's usual CLIENT_SEND_INTERVAL_MS). In a bigger room each person sends less often
 * (moveIntervalMs), so reading moves costs the room's tick no more than at a hundred people.
 */
export const ROOM_MOVES_PER_S = 2000; // default 2000

/**
 * How often (ms) each of `people` should send its own pose while moving: every
 * CLIENT_SEND_INTERVAL_MS, or less often where the room would read more than `movesPerS` moves a
 * second (101 ms at 202 people). The interval goes to clients in each pose message's header.
 * Those near still see a person smoothly: a full record goes whenever the pose changed, and a
 * client draws full poses far enough back to hold two of them (PoseStream.fullDelayMs).
 */
export function moveIntervalMs(people: number, movesPerS = ROOM_MOVES_PER_S): number {
  return Math.max(CLIENT_SEND_INTERVAL_MS, Math.ceil((people * 1000) / movesPerS));
}
