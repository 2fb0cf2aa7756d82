import { randomBytes } from "node:crypto";
import type { Logger } from "../logger";
import type { RoomVoice } from "./room-voice";
import { readVoiceSettings, type VoiceSettings } from "./voice-settings";

/** Who a voice token belongs to. */
export interface VoiceSeat {
  room: RoomVoice;
  sessionId: string;
}

/**
 * The server's voice: its endpoint settings and the tokens that tie an utterance upload to a
 * seat in a room. One per server; each room's RoomVoice registers its people's tokens here.
 */
export class VoiceHub {
  private readonly seats = new Map<string, VoiceSeat>();

  constructor(
    readonly settings: VoiceSettings,
    readonly log: Logger,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv, log: Logger): VoiceHub {
    return new VoiceHub(readVoiceSettings(env), log);
  }

  /** A fresh unguessable token for this seat. */
  issue(seat: VoiceSeat): string {
    const token = randomBytes(24).toString("base64url");
    this.seats.set(token, seat);
    return token;
  }

  seatOf(token: string): VoiceSeat | null {
    return this.seats.get(token) ?? null;
  }

  revoke(token: string): void {
    this.seats.delete(token);
  }
}
