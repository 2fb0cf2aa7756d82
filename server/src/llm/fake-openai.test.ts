import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { errorReply, startFakeOpenAI, textReply, toolCallReply, type FakeOpenAI } from "../../../e2e/fake-openai";

/** The fake OpenAI server's own tests, with plain fetch (no SDK, no broker). */

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function post(body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-key" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** The JSON payloads of an SSE body, "[DONE]" kept as a string. */
function events(text: string): unknown[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));
}

describe("fake OpenAI server", () => {
  it("streams scripted text as chat.completion.chunk events, then usage when asked, then [DONE]", async () => {
    fake.script(textReply("Hello world", { chunkSize: 5 }));
    const res = await post({ model: "m1", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const all = events(await res.text());
    expect(all.at(-1)).toBe("[DONE]");
    const chunks = all.slice(0, -1) as { model: string; choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: unknown }[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null).join("|")).toBe("|Hello| worl|d||");
    expect(chunks.every((c) => c.model === "m1")).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 4 });
  });

  it("sends no usage chunk unless the request asks for it", async () => {
    fake.script(textReply("Hi"));
    const all = events(await (await post({ model: "m", messages: [] })).text());
    expect(all.some((e) => typeof e === "object" && e !== null && "usage" in e)).toBe(false);
  });

  it("records each request's headers and body", async () => {
    fake.script(textReply("x"));
    await (await post({ model: "m", messages: [{ role: "user", content: "remember me" }] })).text();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe("Bearer test-key");
    expect(fake.requests[0]!.body?.messages[0]?.content).toBe("remember me");
  });

  it("streams tool calls: first fragment with id and name, then argument pieces", async () => {
    fake.script(toolCallReply([{ id: "c1", name: "say", arguments: '{"text":"hi"}' }], { argsChunkSize: 5 }));
    const chunks = events(await (await post({ model: "m", messages: [] })).text()).slice(0, -1) as { choices: { delta: { tool_calls?: unknown[] } }[] }[];
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(fragments[0]).toEqual({ index: 0, id: "c1", type: "function", function: { name: "say", arguments: "" } });
    expect(fragments.slice(1).map((f) => (f as { function: { arguments: string } }).function.arguments)).toEqual(['{"tex', 't":"h', 'i"}']);
  });

  it("answers scripted errors with their headers, and 500 when nothing is scripted", async () => {
    fake.script(errorReply(429, { retryAfter: "3" }));
    const limited = await post({ model: "m", messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain("429");
    const empty = await post({ model: "m", messages: [] });
    expect(empty.status).toBe(500);
    expect(await empty.text()).toContain("nothing scripted");
  });

  it("counts a client that gives up on a hanging request as a disconnect, and tracks requests in flight", async () => {
    fake.script({ type: "hang" }, { type: "hang" });
    const controller = new AbortController();
    const a = post({ model: "m", messages: [] }, controller.signal).catch(() => "aborted");
    const b = post({ model: "m", messages: [] }, controller.signal).catch(() => "aborted");
    await fake.waitFor(() => fake.stats.inFlight === 2);
    controller.abort();
    expect(await a).toBe("aborted");
    expect(await b).toBe("aborted");
    await fake.waitFor(() => fake.stats.disconnects === 2);
    expect(fake.stats.inFlight).toBe(0);
    expect(fake.stats.maxInFlight).toBe(2);
    expect(fake.requests.every((r) => r.disconnected)).toBe(true);
  });

  it("a reset mid-stream breaks the body, and is not counted as the client's disconnect", async () => {
    fake.script(textReply("abcdefgh", { chunkSize: 2, cut: { afterChunks: 2, how: "reset" } }));
    const res = await post({ model: "m", messages: [] });
    await expect(res.text()).rejects.toThrow();
    await fake.waitFor(() => fake.stats.inFlight === 0);
    expect(fake.stats.disconnects).toBe(0);
  });

  it("garbled SSE carries data that is not JSON", async () => {
    fake.script({ type: "garbled" });
    const text = await (await post({ model: "m", messages: [] })).text();
    expect(() => events(text)).toThrow(SyntaxError);
  });

  it("uses the default reply when the queue is empty, and a function reply sees the request", async () => {
    fake.setDefault((req) => textReply(`echo ${req.body?.model}`));
    try {
      const text = await (await post({ model: "zz", messages: [] })).text();
      expect(text).toContain('"content":"echo"');
      expect(text).toContain('"content":" zz"');
      expect(fake.pending).toBe(0);
    } finally {
      fake.setDefault(null);
    }
  });
});
