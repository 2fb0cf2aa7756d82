/**
 * The join token of an invite or owner link (`?token=…`). Read once from the URL, kept in
 * sessionStorage for this tab (so a reload or a rejoin still has it) and taken out of the
 * address bar (so it is not copied along with a shared URL or sent as a Referer). Passed on
 * join and, as `Authorization: Bearer`, on the app's own /api requests. With ATRIUM_AUTH=open
 * there may be none: the server then admits a member.
 */

const STORAGE_KEY = "atrium.joinToken";
/** Tokens are JWTs: three base64url parts. Anything else in ?token= is ignored. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Longest token kept (characters); the server refuses longer ones anyway. */
const TOKEN_MAX = 2048;

/** Moves `?token=` from the URL into sessionStorage. Returns the token in use, if any. */
export function captureJoinToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null) {
    if (fromUrl.length <= TOKEN_MAX && TOKEN_SHAPE.test(fromUrl)) sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete("token");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  return joinToken();
}

export function joinToken(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Same-origin requests under /api carry the token; others never do. */
function needsToken(input: RequestInfo | URL): boolean {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const url = new URL(raw, window.location.href);
  return url.origin === window.location.origin && url.pathname.startsWith("/api/");
}

let installed = false;

/** Makes every `fetch` of the app's own API send the join token, without each caller knowing. */
export function installTokenFetch(): void {
  if (installed) return;
  installed = true;
  const plain = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const token = joinToken();
    if (!token || !needsToken(input)) return plain(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    return plain(input, { ...init, headers });
  };
}

/** A same-origin /api link (downloads) with the token in its query, for places a header cannot go. */
export function withToken(href: string): string {
  const token = joinToken();
  if (!token) return href;
  const url = new URL(href, window.location.href);
  url.searchParams.set("token", token);
  return url.origin === window.location.origin ? url.pathname + url.search : href;
}
