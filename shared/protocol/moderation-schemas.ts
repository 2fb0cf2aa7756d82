import { z } from "zod";
import { MAX_AGENT_BUDGET_USD } from "../agents";
import { ModerationMessage } from "./moderation-messages";

const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be an agent id");
/** A person's session id. */
const personId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a person's id");

export const muteSchema = z.strictObject({
  personId,
  /** For how long; until unmuted (or they leave) when absent. */
  minutes: z.number().int().min(1).max(24 * 60).optional(),
});
export const unmuteSchema = z.strictObject({ personId });
export const kickSchema = z.strictObject({
  personId,
  reason: z.string().trim().max(200).optional(),
  /** Also revoke the invite link they joined with, so it cannot bring them back. */
  revoke: z.boolean().optional(),
});
export const agentPauseSchema = z.strictObject({ agentId });
export const agentResumeSchema = z.strictObject({ agentId });
export const agentBudgetSchema = z.strictObject({
  agentId,
  usd: z.number().finite().min(0).max(MAX_AGENT_BUDGET_USD, `at most ${MAX_AGENT_BUDGET_USD} USD`),
});

/** Moderation room messages, keyed by wire name; spread into clientMessageSchemas. */
export const moderationMessageSchemas = {
  [ModerationMessage.Mute]: muteSchema,
  [ModerationMessage.Unmute]: unmuteSchema,
  [ModerationMessage.Kick]: kickSchema,
  [ModerationMessage.AgentPause]: agentPauseSchema,
  [ModerationMessage.AgentResume]: agentResumeSchema,
  [ModerationMessage.AgentBudget]: agentBudgetSchema,
} as const;

export type MutePayload = z.infer<typeof muteSchema>;
export type KickPayload = z.infer<typeof kickSchema>;
export type AgentBudgetPayload = z.infer<typeof agentBudgetSchema>;
