export { VoiceHub } from "./voice-hub";
export { RoomVoice, type RoomVoiceDeps } from "./room-voice";
export { mountVoiceApi } from "./voice-http";
export { readVoiceSettings, VoiceConfigError, type VoiceSettings } from "./voice-settings";
