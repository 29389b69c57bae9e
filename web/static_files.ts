/**
 * `staticFiles()`: serves the static folder, with validators and cache headers.
 *
 * @module
 */
import { join, resolve, sep } from "node:path";
import { resolveConfig } from "./config.ts";
import { contentType } from "./content_type.ts";
import { HttpError } from "./http_error.ts";
import type { Middleware } from "./types.ts";

/** Options of {@linkcode staticFiles}. */
export interface StaticFilesOptions {
  /** The folder to serve. @default {staticDir of fresh.config.ts} */
  dir?: string;
  /**
   * URL prefix of content-hashed files, cached for a year as immutable.
   * @default {the URL of outDir of fresh.config.ts, "/_islands/"}
   */
  immutablePrefix?: string;
  /** `Cache-Control` of every other file. @default {"public, max-age=60, must-revalidate"} */
  cacheControl?: string;
  /**
   * How long the list of names at the top of the folder is trusted before it is read again, in ms: a
   * file added at the top is served at most this late (files added further down at once).
   * @default {1000}
   */
  listingTtlMs?: number;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * The names at the top of the static folder, read again at most every `ttlMs`. A request whose first
 * path segment is not among them (every API call) goes on to the routes without the `stat` that could
 * only fail: under load that stat and its NotFound error were 16% of the server's CPU.
 */
class TopLevelNames {
  #root: string;
  #ttlMs: number;
  #names = new Set<string>();
  #readAt = -Infinity;
  #reading?: Promise<void>;

  constructor(root: string, ttlMs: number) {
    this.#root = root;
    this.#ttlMs = ttlMs;
  }

  async has(name: string): Promise<boolean> {
    if (performance.now() - this.#readAt >= this.#ttlMs) await (this.#reading ??= this.#read());
    return this.#names.has(name);
  }

  async #read(): Promise<void> {
    const names = new Set<string>();
    try {
      for await (const entry of Deno.readDir(this.#root)) names.add(entry.name);
    } catch {
      // no static folder (yet): nothing to serve
    }
    this.#names = names;
    this.#readAt = performance.now();
    this.#reading = undefined;
  }
}

/**
 * Serve files from the static folder for GET and HEAD; anything else (and a path with
 * no file) goes on to the routes. Dotfiles are never served; `..` is refused with 400.
 *
 * @example
 * ```ts
 * import { App, staticFiles } from "fresh";
 *
 * const app = new App().use(staticFiles());
 * ```
 */
export function staticFiles<State = unknown>(options: StaticFilesOptions = {}): Middleware<State> {
  const config = resolveConfig();
  const root = resolve(options.dir ?? config.staticDir);
  const immutablePrefix = options.immutablePrefix ?? config.outPrefix;
  const cacheControl = options.cacheControl ?? "public, max-age=60, must-revalidate";
  const topLevel = new TopLevelNames(root, options.listingTtlMs ?? 1_000);
  return async function staticFiles(ctx) {
    const { req, url } = ctx;
    if (req.method !== "GET" && req.method !== "HEAD") return ctx.next();
    const path = filePath(root, url.pathname);
    if (path === undefined) return ctx.next();
    if (!(await topLevel.has(path.slice(root.length + 1).split(sep)[0]))) return ctx.next();
    let stat;
    try {
      stat = await Deno.stat(path);
    } catch {
      return ctx.next();
    }
    if (!stat.isFile) return ctx.next();
    const etag = `W/"${stat.size.toString(36)}-${(stat.mtime?.getTime() ?? 0).toString(36)}"`;
    const headers = new Headers({
      "Content-Type": contentType(path),
      "Cache-Control": url.pathname.startsWith(immutablePrefix) ? IMMUTABLE : cacheControl,
      "ETag": etag,
      "X-Content-Type-Options": "nosniff",
    });
    if (stat.mtime) headers.set("Last-Modified", stat.mtime.toUTCString());
    if (notModified(req.headers, etag, stat.mtime)) return new Response(null, { status: 304, headers });
    headers.set("Content-Length", String(stat.size));
    if (req.method === "HEAD") return new Response(null, { headers });
    const file = await Deno.open(path, { read: true });
    return new Response(file.readable, { headers });
  };
}

/**
 * The file a URL path names under `root`, or `undefined` for dotfiles.
 *
 * @throws {HttpError} 400 for a path that climbs out with `..` or holds NUL or backslashes.
 */
function filePath(root: string, pathname: string): string | undefined {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, "Malformed URL path");
  }
  const parts = decoded.split("/");
  // URL parsing folds literal "/../", but "%2e%2e%2f" and backslashes arrive here intact.
  if (parts.includes("..") || decoded.includes("\0") || decoded.includes("\\")) {
    throw new HttpError(400, "Path traversal is not allowed");
  }
  if (parts.some((p) => p.startsWith("."))) return undefined;
  const path = join(root, ...parts);
  return path.startsWith(root + sep) ? path : undefined;
}

function notModified(headers: Headers, etag: string, mtime: Date | null): boolean {
  const ifNoneMatch = headers.get("If-None-Match");
  if (ifNoneMatch !== null) {
    // Weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter for GET.
    const bare = etag.replace(/^W\//, "");
    return ifNoneMatch.trim() === "*" ||
      ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
  }
  const since = headers.get("If-Modified-Since");
  if (since === null || mtime === null) return false;
  const sinceTime = Date.parse(since);
  // HTTP dates have whole seconds; the file's mtime has milliseconds.
  return !Number.isNaN(sinceTime) && Math.floor(mtime.getTime() / 1000) * 1000 <= sinceTime;
}
