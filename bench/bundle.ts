import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** Goal: initial JavaScript of the desktop entry, gzipped (bytes; 1 KB = 1000 bytes). */
export const BUNDLE_GOAL_GZ_BYTES = 350_000;
/** gzip level used for every file: the strongest, as a server that pre-compresses would use. */
export const GZIP_LEVEL = 9;

export interface BundleFile {
  /** Path relative to the dist dir, with forward slashes. */
  file: string;
  bytes: number;
  gzBytes: number;
}

export interface BundleResult {
  distDir: string;
  /** When index.html was written (ISO time): shows a stale build. */
  builtAt: string;
  /** Loaded by index.html: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
  initial: BundleFile[];
  initialBytes: number;
  initialGzBytes: number;
  /** Every other .js file under assets/: loaded later, on demand. */
  lazy: BundleFile[];
  lazyGzBytes: number;
  /**
   * Lazy chunks the desktop needs before it can draw the campus (the 3D scene module and what it
   * imports), found through Vite's manifest. Empty when the build has no manifest.
   */
  firstView: BundleFile[];
  /** initial + firstView, gzipped: what a desktop visitor downloads before seeing the campus. */
  firstViewGzBytes: number;
  /** Scripts index.html loads from another origin (not measured; the app should have none). */
  external: string[];
}

export class BundleError extends Error {}

/** Source modules (relative to the Vite root, client/) that make up the desktop's 3D view. */
export const FIRST_VIEW_MODULES = ["src/scene/CampusCanvas.tsx", "src/scene/preload-glyphs.ts"] as const;

interface ManifestChunk {
  file: string;
  src?: string;
  imports?: string[];
}

/** The chunk files of `modules` and everything they import statically, from Vite's manifest. */
export function chunksOf(manifest: Record<string, ManifestChunk>, modules: readonly string[]): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const m of modules) visit(m);
  return [...files];
}

/** Attributes of every `<tag ...>` in an HTML document, lower-cased names. */
function tags(html: string, tag: string): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  const tagPattern = new RegExp(`<${tag}\\b([^>]*)>`, "gi");
  for (const match of html.matchAll(tagPattern)) {
    const attrs = new Map<string, string>();
    const attrPattern = /([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
    for (const a of (match[1] ?? "").matchAll(attrPattern)) {
      attrs.set(a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? "");
    }
    found.push(attrs);
  }
  return found;
}

/** The JavaScript URLs index.html loads up front, in document order, without duplicates. */
export function initialScriptUrls(html: string): string[] {
  const urls: string[] = [];
  for (const a of tags(html, "script")) {
    const src = a.get("src");
    if (a.get("type") === "module" && src) urls.push(src);
  }
  for (const a of tags(html, "link")) {
    const rel = (a.get("rel") ?? "").toLowerCase().split(/\s+/);
    const href = a.get("href");
    if (rel.includes("modulepreload") && href) urls.push(href);
  }
  return [...new Set(urls)];
}

function measure(distDir: string, absolute: string): BundleFile {
  const content = fs.readFileSync(absolute);
  return {
    file: path.relative(distDir, absolute).split(path.sep).join("/"),
    bytes: content.length,
    gzBytes: zlib.gzipSync(content, { level: GZIP_LEVEL }).length,
  };
}

function jsFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFilesUnder(full));
    else if (/\.m?js$/.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Bundle size: gzips every script index.html loads up front and sums them; lists the other
 * chunks under assets/ as lazy. Throws BundleError with a readable message when the build is
 * missing or index.html points at files that are not there.
 */
export function runBundle(distDir: string): BundleResult {
  const dist = path.resolve(distDir);
  const indexFile = path.join(dist, "index.html");
  if (!fs.existsSync(indexFile)) throw new BundleError(`no client build: ${indexFile} does not exist (run "npm run build")`);
  const html = fs.readFileSync(indexFile, "utf8");

  const initial: BundleFile[] = [];
  const external: string[] = [];
  for (const url of initialScriptUrls(html)) {
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(url)) {
      external.push(url);
      continue;
    }
    const clean = decodeURIComponent(url.replace(/[?#].*$/, ""));
    // Vite's base is "/": root-relative URLs map onto the dist dir.
    const absolute = clean.startsWith("/") ? path.join(dist, clean) : path.resolve(dist, clean);
    if (!absolute.startsWith(dist + path.sep)) throw new BundleError(`index.html loads "${url}", which lies outside ${dist}`);
    if (!fs.existsSync(absolute)) throw new BundleError(`index.html loads "${url}", but ${absolute} does not exist`);
    initial.push(measure(dist, absolute));
  }
  if (initial.length === 0 && external.length === 0) throw new BundleError(`${indexFile} loads no module script`);

  const initialSet = new Set(initial.map((f) => f.file));
  const lazy = jsFilesUnder(path.join(dist, "assets"))
    .map((file) => measure(dist, file))
    .filter((f) => !initialSet.has(f.file))
    .sort((a, b) => b.gzBytes - a.gzBytes);

  const manifestFile = path.join(dist, ".vite", "manifest.json");
  const firstViewFiles = fs.existsSync(manifestFile)
    ? new Set(chunksOf(JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Record<string, ManifestChunk>, FIRST_VIEW_MODULES))
    : new Set<string>();
  const firstView = lazy.filter((f) => firstViewFiles.has(f.file));

  const sum = (files: BundleFile[], key: "bytes" | "gzBytes") => files.reduce((n, f) => n + f[key], 0);
  return {
    distDir: dist,
    builtAt: fs.statSync(indexFile).mtime.toISOString(),
    initial,
    initialBytes: sum(initial, "bytes"),
    initialGzBytes: sum(initial, "gzBytes"),
    lazy,
    lazyGzBytes: sum(lazy, "gzBytes"),
    firstView,
    firstViewGzBytes: sum(initial, "gzBytes") + sum(firstView, "gzBytes"),
    external,
  };
}
