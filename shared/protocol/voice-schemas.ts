import { z } from "zod";
import { VoiceClientMessage } from "./voice-messages";

const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be an agent id");

export const voiceHelloSchema = z.strictObject({ listen: z.boolean() });
export const voicePrefsSchema = z.strictObject({ listen: z.boolean() });
export const voiceBargeInSchema = z.strictObject({ agentIds: z.array(agentId).min(1).max(16) });

/** Voice room messages, keyed by wire name; spread into clientMessageSchemas. */
export const voiceMessageSchemas = {
  [VoiceClientMessage.Hello]: voiceHelloSchema,
  [VoiceClientMessage.Prefs]: voicePrefsSchema,
  [VoiceClientMessage.BargeIn]: voiceBargeInSchema,
} as const;

export type VoiceHelloPayload = z.infer<typeof voiceHelloSchema>;
export type VoicePrefsPayload = z.infer<typeof voicePrefsSchema>;
export type VoiceBargeInPayload = z.infer<typeof voiceBargeInSchema>;

/** The `?target=` of an utterance upload: the agent the person selected or looks at. */
export const utteranceTargetSchema = agentId.optional();
