import express, { type Application, type Request, type Response } from "express";
import { VOICE_TOKEN_HEADER, VOICE_UTTERANCE_PATH, type UtteranceResult, type VoiceErrorCode } from "../../../shared/protocol/voice-messages";
import { utteranceTargetSchema } from "../../../shared/protocol/voice-schemas";
import { MAX_UTTERANCE_BYTES } from "../../../shared/voice";
import type { VoiceHub } from "./voice-hub";

function refuse(res: Response, status: number, code: VoiceErrorCode, message: string): void {
  const body: UtteranceResult = { ok: false, error: { code, message } };
  res.status(status).json(body);
}

/**
 * POST VOICE_UTTERANCE_PATH: one spoken utterance as a 16-bit PCM WAV body, from the person
 * whose voice token is in the header. The body is capped at MAX_UTTERANCE_BYTES before it is
 * read in full; everything else is checked by RoomVoice.utterance, on the process that hosts the
 * speaker's room (VoiceHub.forward relays it there when that is another process).
 */
export function mountVoiceApi(app: Application, hub: VoiceHub): void {
  const raw = express.raw({ type: () => true, limit: MAX_UTTERANCE_BYTES });
  app.post(VOICE_UTTERANCE_PATH, (req: Request, res: Response) => {
    const token = req.header(VOICE_TOKEN_HEADER) ?? "";
    const seat = token ? hub.seatOf(token) : null;
    // A seat on another process (REDIS_URL): the utterance is relayed to the room's host.
    const host = seat || !token ? null : hub.hostOf(token);
    if (!seat && !host) return refuse(res, 401, "bad_token", "Voice needs a session: join the workspace, then turn the microphone on.");
    const declared = Number(req.header("content-length") ?? "0");
    if (declared > MAX_UTTERANCE_BYTES) {
      res.set("connection", "close");
      return refuse(res, 413, "too_big", `That utterance is too big (${declared} bytes; at most ${MAX_UTTERANCE_BYTES}).`);
    }
    const target = utteranceTargetSchema.safeParse(typeof req.query.target === "string" && req.query.target !== "" ? req.query.target : undefined);
    if (!target.success) return refuse(res, 400, "bad_audio", "target must be an agent id");
    raw(req, res, (err?: unknown) => {
      if (err) {
        const status = (err as { status?: number }).status ?? 400;
        if (status === 413) return refuse(res, 413, "too_big", `That utterance is too big (at most ${MAX_UTTERANCE_BYTES} bytes).`);
        return refuse(res, 400, "bad_audio", `That utterance could not be read: ${err instanceof Error ? err.message : String(err)}.`);
      }
      const body: unknown = req.body;
      const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      (seat ? seat.room.utterance(seat.sessionId, bytes, target.data ?? null) : hub.forward(host!, token, bytes, target.data ?? null)).then(
        (out) => res.status(out.status).json(out.body),
        (e: unknown) => refuse(res, 500, "stt_unavailable", `Voice failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    });
  });
}
