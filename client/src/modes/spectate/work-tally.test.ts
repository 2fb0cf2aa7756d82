import { describe, expect, it } from "vitest";
import type { StatsBucket } from "../../../../shared/stats";
import { emptyBucket } from "./live-stats";
import { WorkTally, type TallyCard } from "./work-tally";

const B = 10_000;
const T = 1_800_000_000_000; // a bucket start
const open = (fields: Partial<StatsBucket> = {}): StatsBucket => ({ ...emptyBucket(T), ...fields });
const card = (id: string, status: string, updatedAt = T - 60_000): TallyCard => ({ id, status, updatedAt });

describe("the work tally: agents by state", () => {
  it("averages agents per state over each bucket from when they changed, as the server does", () => {
    const tally = new WorkTally(B);
    tally.seed(open(), T, ["idle", "idle"], []);
    tally.setStates(T + 2_500, ["thinking", "idle"]); // one agent thinks from 2.5 s
    tally.setStates(T + 7_500, ["thinking", "working"]); // the other works from 7.5 s
    tally.setStates(T + 12_000, ["idle", "working"]); // into the next bucket
    const [first, second] = tally.buckets(T + 15_000);
    expect(first!.t).toBe(T);
    // idle: 2 agents × 2.5 s + 1 × 5 s + 0 × 2.5 s = 10 agent-s over 10 s → 1; thinking: 7.5 s → 0.75; working 2.5 s → 0.25.
    expect(first!.states).toEqual({ idle: 1, thinking: 0.75, working: 0.25 });
    // The open bucket so far (5 s): thinking 2 s, working 5 s, idle 3 s.
    expect(second!.t).toBe(T + B);
    expect(second!.states).toEqual({ thinking: 0.4, working: 1, idle: 0.6 });
    // The sums are the agent count.
    for (const b of [first!, second!]) expect(Object.values(b.states).reduce((a, v) => a + v, 0)).toBeCloseTo(2, 5);
  });

  it("carries on the history's open bucket: its averages so far count for the part before the seed", () => {
    const tally = new WorkTally(B);
    // The server saw 3 agents idle for the first 4 s of the bucket; from then on they work.
    tally.seed(open({ states: { idle: 3 } }), T + 4_000, ["working", "working", "working"], []);
    const [b] = tally.buckets(T + B);
    expect(b!.states).toEqual({ idle: 1.2, working: 1.8 });
  });

  it("closes the buckets a quiet stretch spans, each with the states that held", () => {
    const tally = new WorkTally(B);
    tally.seed(open(), T, ["walking"], []);
    const buckets = tally.buckets(T + 3 * B + 1_000);
    expect(buckets.map((b) => [b.t - T, b.states])).toEqual([
      [0, { walking: 1 }],
      [B, { walking: 1 }],
      [2 * B, { walking: 1 }],
      [3 * B, { walking: 1 }],
    ]);
    // Closed buckets before `from` are dropped (the window).
    expect(tally.buckets(T + 3 * B + 1_000, T + 2 * B).map((b) => b.t - T)).toEqual([2 * B, 3 * B]);
  });
});

describe("the work tally: tasks by status", () => {
  it("counts open tasks from the cards, and done from the server's count plus the cards done since", () => {
    const tally = new WorkTally(B);
    const cards = [card("a", "todo"), card("b", "doing"), card("c", "doing"), card("d", "done"), card("e", "blocked")];
    // The server counted 40 done tasks at T + 1 s; d is one of them (changed before then).
    tally.seed(open({ tasks: { todo: 1, doing: 2, review: 0, done: 40, blocked: 1 } }), T + 1_000, [], cards);
    expect(tally.buckets(T + 2_000).at(-1)!.tasks).toEqual({ todo: 1, doing: 2, review: 0, done: 40, blocked: 1 });
    // b is done at T + 3 s, c goes to review, a new task f comes.
    const later = [card("a", "todo"), card("b", "done", T + 3_000), card("c", "review", T + 3_000), card("d", "done"), card("e", "blocked"), card("f", "todo", T + 3_000)];
    tally.setCards(T + 3_000, later);
    expect(tally.done).toBe(41);
    // The board drops the old done card d and later b too (a board keeps its newest few): they stay counted.
    tally.setCards(T + 4_000, later.filter((c) => c.id !== "d" && c.id !== "b"));
    expect(tally.buckets(T + 5_000).at(-1)!.tasks).toEqual({ todo: 2, doing: 0, review: 1, done: 41, blocked: 1 });
  });

  it("a task reopened after it was seen done is no longer counted; a bucket's tasks are those at its end", () => {
    const tally = new WorkTally(B);
    tally.seed(open({ tasks: { todo: 0, doing: 1, review: 0, done: 5, blocked: 0 } }), T, [], [card("x", "doing")]);
    tally.setCards(T + 2_000, [card("x", "done", T + 2_000)]);
    tally.setCards(T + 12_000, [card("x", "doing", T + 12_000)]); // reopened in the next bucket
    const [first, second] = tally.buckets(T + 13_000);
    expect(first!.tasks).toMatchObject({ doing: 0, done: 6 });
    expect(second!.tasks).toMatchObject({ doing: 1, done: 5 });
  });

  it("the server's done count at a bucket's end settles that bucket and is what later ones count from", () => {
    const tally = new WorkTally(B);
    tally.seed(open({ tasks: { todo: 0, doing: 2, review: 0, done: 10, blocked: 0 } }), T, [], [card("p", "doing"), card("q", "doing")]);
    // p is done in the first bucket, q early in the second.
    tally.setCards(T + 5_000, [card("p", "done", T + 5_000), card("q", "doing")]);
    tally.setCards(T + B + 500, [card("p", "done", T + 5_000), card("q", "done", T + B + 500)]);
    tally.advance(T + B + 1_000);
    // The push for the first bucket says 12 (a task done elsewhere that left the board at once): it settles that bucket.
    tally.settleDone(T, 12);
    const [first, second] = tally.buckets(T + B + 2_000);
    expect(first!.tasks.done).toBe(12);
    // The open bucket counts from 12 at T + B, plus q (done after it); p is in the 12 already.
    expect(second!.tasks.done).toBe(13);
    // A push for an older bucket does not move the base back.
    tally.settleDone(T - B, 9);
    expect(tally.done).toBe(13);
  });

  it("counts nothing before its first seed", () => {
    const tally = new WorkTally(B);
    tally.setStates(T, ["idle"]);
    tally.setCards(T, [card("a", "done", T)]);
    expect(tally.buckets(T + B)).toEqual([]);
    expect(Number.isNaN(tally.openBucket)).toBe(true);
  });
});
