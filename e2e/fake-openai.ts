/**
 * A real HTTP server that speaks the OpenAI chat-completions wire protocol (SSE streaming),
 * for the LLM tests and the bench. Each test scripts the replies it wants, in order:
 *
 *   const fake = await startFakeOpenAI();
 *   fake.script(textReply("Hello there", { chunkSize: 3 }), errorReply(429, { retryAfter: "1" }));
 *   // ... point the broker at fake.url ...
 *   fake.requests[0].body.messages; fake.stats.disconnects; await fake.close();
 *
 * It records every request (headers and parsed body), counts requests in flight, and counts
 * requests the client gave up on (aborts, timeouts) as disconnects.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encodeWav } from "../shared/voice";

export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** A streamed answer: text and/or tool calls, cut into chunks. */
export interface StreamReply {
  type: "stream";
  content?: string;
  toolCalls?: FakeToolCall[];
  /** Characters of content per chunk (default 4). */
  chunkSize?: number;
  /** Characters of tool-call arguments per chunk (default 8). */
  argsChunkSize?: number;
  /** Interleave the argument fragments of parallel tool calls (round robin by index). */
  interleaveToolCalls?: boolean;
  /** Pause before every chunk after the first (ms, default 0). */
  delayMs?: number;
  /** Pause before the first chunk, after the headers (ms, default 0). */
  firstChunkDelayMs?: number;
  /** Default "tool_calls" when there are tool calls, else "stop"; null sends none. */
  finishReason?: string | null;
  /** The usage chunk, sent only when the request asked for it (stream_options.include_usage). Default: counted. */
  usage?: FakeUsage | "none";
  model?: string;
  /**
   * Stop after this many chunks (the role chunk counts), one `delayMs` after the last: "hang"
   * keeps the connection open and silent, "reset" destroys it.
   */
  cut?: { afterChunks: number; how: "hang" | "reset" };
}

export type FakeReply =
  | StreamReply
  /** An HTTP error with an OpenAI-style JSON body. */
  | { type: "error"; status: number; message?: string; headers?: Record<string, string>; body?: unknown }
  /** Reads the request and never answers: no headers, nothing. */
  | { type: "hang" }
  /** Destroys the connection before any response. */
  | { type: "reset" }
  /** A 200 SSE response whose data is not JSON, after `validChunks` good chunks. */
  | { type: "garbled"; validChunks?: number }
  /** Whatever bytes you like. */
  | { type: "raw"; status?: number; headers?: Record<string, string>; body: string };

/** A reply, or a function that picks one from the request. */
export type FakeScriptItem = FakeReply | ((request: RecordedRequest) => FakeReply);

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (null when it was not JSON). */
  body: ChatRequestBody | null;
  rawBody: string;
  receivedAt: number;
  /** Set when the client went away before the reply was complete. */
  disconnected: boolean;
  /** The body's bytes (audio uploads are binary; rawBody is their lossy UTF-8 reading). */
  rawBytes?: Buffer;
  /** A multipart upload (`/audio/transcriptions`): its file and its other fields. */
  upload?: { file: Buffer | null; filename: string | null; fileType: string | null; fields: Record<string, string> };
}

/** Replies of the audio endpoints: `/audio/transcriptions` and `/audio/speech`. */
export type FakeAudioReply =
  /** A transcription: `{ "text": … }` after `delayMs`. */
  | { type: "transcript"; text: string; delayMs?: number }
  /** Speech: a WAV tone (16-bit mono 24 kHz) lasting `durationS` (default: 50 ms per input character, 0.4–8 s), after `delayMs`. */
  | { type: "speech"; durationS?: number; delayMs?: number; hz?: number }
  | FakeReply;
export type FakeAudioEndpoint = "transcriptions" | "speech";
export type FakeAudioScriptItem = FakeAudioReply | ((request: RecordedRequest) => FakeAudioReply);

export function transcriptReply(text: string, options: { delayMs?: number } = {}): FakeAudioReply {
  return { type: "transcript", text, ...options };
}

export function speechReply(options: { durationS?: number; delayMs?: number; hz?: number } = {}): FakeAudioReply {
  return { type: "speech", ...options };
}

/** The parts of a chat-completions request the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content?: string | null; [key: string]: unknown }[];
  tools?: { type: string; function: { name: string; [key: string]: unknown } }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface FakeStats {
  inFlight: number;
  maxInFlight: number;
  /** Requests the client abandoned before the reply was complete (aborts, timeouts). */
  disconnects: number;
}

export interface FakeOpenAI {
  /** The base URL to give the SDK, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  /** Queues replies, used one per request in order. */
  script(...items: FakeScriptItem[]): void;
  /** The reply when the queue is empty; without one, an empty queue answers 500 "nothing scripted". */
  setDefault(item: FakeScriptItem | null): void;
  /** Replies still queued. */
  readonly pending: number;
  requests: RecordedRequest[];
  stats: FakeStats;
  /** Empties the queue and the request log and zeroes the counts (requests still open stay in inFlight). */
  reset(): void;
  /** Queues replies for an audio endpoint, used one per request in order. */
  scriptAudio(endpoint: FakeAudioEndpoint, ...items: FakeAudioScriptItem[]): void;
  /** The audio endpoint's reply when its queue is empty. Defaults: speech answers a tone; transcriptions answer 500 "nothing scripted". */
  setAudioDefault(endpoint: FakeAudioEndpoint, item: FakeAudioScriptItem | null): void;
  /** Resolves once `predicate` holds, polling every few ms; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_MODEL = "fake-model";
const DEFAULT_CHUNK_SIZE = 4;
const DEFAULT_ARGS_CHUNK_SIZE = 8;
const DEFAULT_WAIT_FOR_MS = 2_000;

/** A streamed text answer. */
export function textReply(content: string, options: Omit<StreamReply, "type" | "content"> = {}): StreamReply {
  return { type: "stream", content, ...options };
}

/** A streamed tool-call answer (parallel when there are several calls). */
export function toolCallReply(toolCalls: FakeToolCall[], options: Omit<StreamReply, "type" | "toolCalls"> = {}): StreamReply {
  return { type: "stream", toolCalls, ...options };
}

/** An HTTP error; `retryAfter` sets the Retry-After header (seconds or an HTTP date). */
export function errorReply(status: number, options: { message?: string; retryAfter?: string; headers?: Record<string, string> } = {}): FakeReply {
  const headers = { ...options.headers, ...(options.retryAfter !== undefined ? { "retry-after": options.retryAfter } : {}) };
  return { type: "error", status, headers, ...(options.message !== undefined ? { message: options.message } : {}) };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeScriptItem[] = [];
  let fallback: FakeScriptItem | null = null;
  const requests: RecordedRequest[] = [];
  const audioQueues: Record<FakeAudioEndpoint, FakeAudioScriptItem[]> = { transcriptions: [], speech: [] };
  const audioDefaults: Record<FakeAudioEndpoint, FakeAudioScriptItem | null> = { transcriptions: null, speech: { type: "speech" } };
  const stats: FakeStats = { inFlight: 0, maxInFlight: 0, disconnects: 0 };
  let sequence = 0;
  let generation = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const record: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: parseBody(rawBody),
        rawBody,
        receivedAt: performance.now(),
        disconnected: false,
      };
      const bytes = Buffer.concat(chunks);
      if (!(req.headers["content-type"] ?? "").includes("json")) record.rawBytes = bytes;
      requests.push(record);
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      const born = generation;
      const exchange = new Exchange(res, () => {
        stats.inFlight--;
      }, () => {
        record.disconnected = true;
        // A request from before reset() that ends late does not count in the new round.
        if (born === generation) stats.disconnects++;
      });
      const audioEndpoint = req.method === "POST" ? audioEndpointOf(req.url ?? "") : null;
      if (audioEndpoint) {
        if (audioEndpoint === "transcriptions") record.upload = parseMultipart(bytes, req.headers["content-type"] ?? "");
        const item = audioQueues[audioEndpoint].shift() ?? audioDefaults[audioEndpoint];
        if (item === null) {
          exchange.json(500, { error: { message: `fake-openai: nothing scripted for /audio/${audioEndpoint}`, type: "server_error" } });
          return;
        }
        const reply = typeof item === "function" ? item(record) : item;
        void serveAudio(exchange, reply, record.body);
        return;
      }
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/chat/completions")) {
        exchange.json(404, { error: { message: `fake-openai: no route ${req.method} ${req.url}`, type: "invalid_request_error" } });
        return;
      }
      const item = queue.shift() ?? fallback;
      if (item === null) {
        exchange.json(500, { error: { message: "fake-openai: nothing scripted for this request", type: "server_error" } });
        return;
      }
      const reply = typeof item === "function" ? item(record) : item;
      void serve(exchange, reply, record.body, `chatcmpl-fake-${++sequence}`);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    script: (...items) => queue.push(...items),
    setDefault: (item) => {
      fallback = item;
    },
    get pending() {
      return queue.length;
    },
    scriptAudio: (endpoint, ...items) => audioQueues[endpoint].push(...items),
    setAudioDefault: (endpoint, item) => {
      audioDefaults[endpoint] = item;
    },
    requests,
    stats,
    reset() {
      generation++;
      queue.length = 0;
      audioQueues.transcriptions.length = 0;
      audioQueues.speech.length = 0;
      requests.length = 0;
      // inFlight stays true: requests of the last round may still be open.
      stats.maxInFlight = stats.inFlight;
      stats.disconnects = 0;
    },
    async waitFor(predicate, timeoutMs = DEFAULT_WAIT_FOR_MS) {
      const deadline = performance.now() + timeoutMs;
      while (!predicate()) {
        if (performance.now() > deadline) throw new Error(`fake-openai: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseBody(raw: string): ChatRequestBody | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === "object" ? (value as ChatRequestBody) : null;
  } catch {
    return null;
  }
}

/** One response in progress: knows whether the client left, and stops writing if it did. */
class Exchange {
  private ended = false;
  private resetByUs = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();
  gone = false;

  constructor(
    readonly res: http.ServerResponse,
    onClose: () => void,
    onDisconnect: () => void,
  ) {
    res.on("close", () => {
      onClose();
      this.gone = true;
      for (const t of this.timers) clearTimeout(t);
      for (const wake of this.wakers) wake();
      if (!this.ended && !this.resetByUs) onDisconnect();
    });
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.end(status, { "content-type": "application/json", ...headers }, JSON.stringify(body));
  }

  end(status: number, headers: Record<string, string>, body: string | Buffer): void {
    if (this.gone) return;
    this.ended = true;
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  startEvents(): void {
    if (this.gone) return;
    this.res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    this.res.flushHeaders();
  }

  event(data: string): void {
    if (!this.gone) this.res.write(`data: ${data}\n\n`);
  }

  finish(): void {
    if (this.gone) return;
    this.ended = true;
    this.res.end();
  }

  destroy(): void {
    this.resetByUs = true;
    this.res.socket?.destroy();
  }

  /** Resolves after `ms`, or at once when the client leaves. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.wakers.add(wake);
    });
  }
}

async function serve(ex: Exchange, reply: FakeReply, body: ChatRequestBody | null, id: string): Promise<void> {
  switch (reply.type) {
    case "error":
      ex.json(reply.status, reply.body ?? { error: { message: reply.message ?? `fake error ${reply.status}`, type: "fake_error", code: null } }, reply.headers);
      return;
    case "hang":
      return; // the client's timeout or abort ends it
    case "reset":
      ex.destroy();
      return;
    case "raw":
      ex.end(reply.status ?? 200, reply.headers ?? { "content-type": "text/event-stream" }, reply.body);
      return;
    case "garbled": {
      ex.startEvents();
      const chunks = streamChunks({ type: "stream", content: "fine so far" }, body, id);
      for (const chunk of chunks.slice(0, reply.validChunks ?? 1)) ex.event(JSON.stringify(chunk));
      ex.event('{"id": "broken", "choices": [{"delta": {"content": "unterminated');
      ex.event("[DONE]");
      ex.finish();
      return;
    }
    case "stream": {
      ex.startEvents();
      const chunks = streamChunks(reply, body, id);
      for (let i = 0; i < chunks.length; i++) {
        await ex.sleep(i === 0 ? (reply.firstChunkDelayMs ?? 0) : (reply.delayMs ?? 0));
        if (ex.gone) return;
        if (reply.cut && i === reply.cut.afterChunks) {
          if (reply.cut.how === "reset") ex.destroy();
          return; // "hang": stay silent until the client leaves
        }
        ex.event(JSON.stringify(chunks[i]));
      }
      if (reply.cut && reply.cut.afterChunks >= chunks.length) {
        if (reply.cut.how === "reset") ex.destroy();
        return;
      }
      ex.event("[DONE]");
      ex.finish();
      return;
    }
  }
}

type Delta = { role?: string; content?: string; tool_calls?: unknown[] };

/** The chunks of a streamed answer, as OpenAI sends them: role, content, tool calls, finish, usage. */
export function streamChunks(reply: StreamReply, body: ChatRequestBody | null, id: string): object[] {
  const model = reply.model ?? body?.model ?? FAKE_MODEL;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Delta, finishReason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks: object[] = [chunk({ role: "assistant", content: "" })];
  const content = reply.content ?? "";
  const size = reply.chunkSize ?? DEFAULT_CHUNK_SIZE;
  for (let i = 0; i < content.length; i += size) chunks.push(chunk({ content: content.slice(i, i + size) }));

  const calls = reply.toolCalls ?? [];
  const argsSize = reply.argsChunkSize ?? DEFAULT_ARGS_CHUNK_SIZE;
  const perCall = calls.map((call, index) => {
    const pieces: object[] = [{ index, id: call.id ?? `call_fake_${index}`, type: "function", function: { name: call.name, arguments: "" } }];
    for (let i = 0; i < call.arguments.length; i += argsSize) pieces.push({ index, function: { arguments: call.arguments.slice(i, i + argsSize) } });
    return pieces;
  });
  if (reply.interleaveToolCalls) {
    for (let round = 0; perCall.some((p) => round < p.length); round++) {
      for (const pieces of perCall) {
        const piece = pieces[round];
        if (piece) chunks.push(chunk({ tool_calls: [piece] }));
      }
    }
  } else {
    for (const pieces of perCall) for (const piece of pieces) chunks.push(chunk({ tool_calls: [piece] }));
  }

  const finish = reply.finishReason === undefined ? (calls.length > 0 ? "tool_calls" : "stop") : reply.finishReason;
  if (finish !== null) chunks.push(chunk({}, finish));

  if (body?.stream_options?.include_usage && reply.usage !== "none") {
    const usage = reply.usage ?? {
      prompt_tokens: Math.ceil((body.messages ?? []).reduce((n, m) => n + (typeof m.content === "string" ? m.content.length : 0), 0) / 4),
      completion_tokens: chunks.length - 1,
    };
    chunks.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  }
  return chunks;
}

function audioEndpointOf(url: string): FakeAudioEndpoint | null {
  const path = url.split("?")[0] ?? "";
  if (path.endsWith("/audio/transcriptions")) return "transcriptions";
  if (path.endsWith("/audio/speech")) return "speech";
  return null;
}

/** The parts of a multipart/form-data body: the `file` part's bytes and the text fields. */
export function parseMultipart(body: Buffer, contentType: string): NonNullable<RecordedRequest["upload"]> {
  const out: NonNullable<RecordedRequest["upload"]> = { file: null, filename: null, fileType: null, fields: {} };
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return out;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const split = part.indexOf("\r\n\r\n");
    if (split >= 0) {
      const head = part.subarray(0, split).toString("utf8");
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (filename !== undefined) {
        out.file = Buffer.from(content);
        out.filename = filename;
        out.fileType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? null;
      } else {
        out.fields[name] = content.toString("utf8");
      }
    }
    at = next;
  }
  return out;
}

/** A WAV of a soft sine tone: what the fake speech endpoint says. */
export function toneWav(durationS: number, hz = 440, sampleRate = 24_000): Uint8Array {
  const samples = new Float32Array(Math.round(durationS * sampleRate));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return encodeWav(samples, sampleRate);
}

async function serveAudio(ex: Exchange, reply: FakeAudioReply, body: ChatRequestBody | null): Promise<void> {
  switch (reply.type) {
    case "transcript":
      await ex.sleep(reply.delayMs ?? 0);
      ex.json(200, { text: reply.text });
      return;
    case "speech": {
      await ex.sleep(reply.delayMs ?? 0);
      const input = typeof body?.input === "string" ? body.input : "";
      const durationS = reply.durationS ?? Math.min(8, Math.max(0.4, input.length * 0.05));
      const wav = Buffer.from(toneWav(durationS, reply.hz));
      ex.end(200, { "content-type": "audio/wav", "content-length": String(wav.byteLength) }, wav);
      return;
    }
    default:
      return serve(ex, reply, body, "audio");
  }
}
