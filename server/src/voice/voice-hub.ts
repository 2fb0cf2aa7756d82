import { randomBytes } from "node:crypto";
import type { VoiceErrorCode } from "../../../shared/protocol/voice-messages";
import { utteranceTargetSchema } from "../../../shared/protocol/voice-schemas";
import type { Logger } from "../logger";
import { RelayTimeoutError, type HostRelay } from "../scale/host-relay";
import type { RoomVoice, UtteranceOutcome } from "./room-voice";
import { readVoiceSettings, STT_TIMEOUT_MS, type VoiceSettings } from "./voice-settings";

/** Who a voice token belongs to. */
export interface VoiceSeat {
  room: RoomVoice;
  sessionId: string;
}

/** The relayed method that carries an utterance to the process hosting the speaker's room. */
const RELAY_UTTERANCE = "voice.utterance";
/** A relayed utterance waits this much longer than the transcription itself may take (ms). Default 5000. */
export const VOICE_RELAY_MARGIN_MS = 5_000;
/** A voice token is `<processId>.<secret>`: the Colyseus process id of the room's host, then 32 random base64url characters. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,64})\.[A-Za-z0-9_-]{32}$/;

function fail(status: number, code: VoiceErrorCode, message: string): UtteranceOutcome {
  return { status, body: { ok: false, error: { code, message } } };
}

/**
 * The server's voice: its endpoint settings and the tokens that tie an utterance upload to a
 * seat in a room. One per server; each room's RoomVoice registers its people's tokens here.
 *
 * With several processes (REDIS_URL) an upload may reach a process that does not host the
 * speaker's room (the page's origin is balanced; only the room's WebSocket goes to its host). A
 * token names its host's process id, so such a process relays the utterance there through the
 * Colyseus presence (server/src/scale/host-relay.ts), and the host answers as if the upload had
 * come to it. The URL stays one and the same behind the proxy.
 */
export class VoiceHub {
  private readonly seats = new Map<string, VoiceSeat>();

  constructor(
    readonly settings: VoiceSettings,
    readonly log: Logger,
    private readonly relay: HostRelay | null = null,
  ) {
    relay?.handle(RELAY_UTTERANCE, (args) => this.answerRelayed(args));
  }

  static fromEnv(env: NodeJS.ProcessEnv, log: Logger, relay: HostRelay | null = null): VoiceHub {
    return new VoiceHub(readVoiceSettings(env), log, relay);
  }

  /** A fresh unguessable token for this seat, naming this process. */
  issue(seat: VoiceSeat): string {
    const secret = randomBytes(24).toString("base64url");
    const token = `${this.relay?.processId || "local"}.${secret}`;
    this.seats.set(token, seat);
    return token;
  }

  seatOf(token: string): VoiceSeat | null {
    return this.seats.get(token) ?? null;
  }

  /** The process that issued a token this process does not know, when it is another one; else null. */
  hostOf(token: string): string | null {
    if (!this.relay) return null;
    const processId = TOKEN_SHAPE.exec(token)?.[1];
    return processId && processId !== this.relay.processId ? processId : null;
  }

  /** Sends an utterance to the process hosting the token's room and returns its answer. Never throws. */
  async forward(processId: string, token: string, wav: Uint8Array, target: string | null): Promise<UtteranceOutcome> {
    if (!this.relay) return fail(401, "bad_token", "Voice needs a session: join the workspace, then turn the microphone on.");
    const timeoutMs = (this.settings.stt?.timeoutMs ?? STT_TIMEOUT_MS) + VOICE_RELAY_MARGIN_MS;
    try {
      const out = await this.relay.call<UtteranceOutcome>(processId, RELAY_UTTERANCE, [token, Buffer.from(wav).toString("base64"), target], timeoutMs);
      if (!out || typeof out.status !== "number" || typeof out.body !== "object") throw new Error("the hosting process gave no answer");
      return out;
    } catch (err) {
      const why = err instanceof RelayTimeoutError ? err.message : `the process hosting your workspace failed: ${err instanceof Error ? err.message : String(err)}`;
      this.log.warn({ host: processId, err: why }, "relayed utterance failed");
      return fail(503, "stt_unavailable", `Voice could not reach your workspace: ${why}. Type instead: press T.`);
    }
  }

  revoke(token: string): void {
    this.seats.delete(token);
  }

  /** On the hosting process: an utterance another process received for one of this process's seats. */
  private async answerRelayed(args: unknown[]): Promise<UtteranceOutcome> {
    const [token, audio, target] = args;
    const to = utteranceTargetSchema.safeParse(target ?? undefined);
    if (typeof token !== "string" || typeof audio !== "string" || !to.success) return fail(400, "bad_audio", "That relayed utterance was malformed.");
    const seat = this.seatOf(token);
    if (!seat) return fail(401, "bad_token", "Voice needs a session: join the workspace, then turn the microphone on.");
    return seat.room.utterance(seat.sessionId, Buffer.from(audio, "base64"), to.data ?? null);
  }
}
