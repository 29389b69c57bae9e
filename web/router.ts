/**
 * Matches a URL path to the most specific route, using Hono's trie router underneath.
 *
 * @module
 */
import { TrieRouter } from "hono/router/trie-router";
import { compareSpecificity, parsePattern, type Segment, shapeKey, toHonoPaths } from "./route_pattern.ts";

/** A route found for a path. */
export interface Match<T> {
  value: T;
  /** The pattern that matched, e.g. `/plants/:id`. */
  pattern: string;
  /** Decoded parameters. */
  params: Record<string, string>;
}

interface Entry<T> {
  pattern: string;
  segments: Segment[];
  value: T;
}

/**
 * A table of Fresh patterns (`/plants/:id`, `/files/:path*`) to values.
 *
 * @example
 * ```ts
 * import { Router } from "./router.ts";
 *
 * const router = new Router<string>();
 * router.add("/plants/:id", "plant");
 * router.add("/plants/new", "new");
 * console.assert(router.match("/plants/new")?.value === "new");
 * console.assert(router.match("/plants/p-7")?.params.id === "p-7");
 * ```
 */
export class Router<T> {
  #entries: Entry<T>[] = [];
  #trie: TrieRouter<number> | undefined;

  /**
   * Add a pattern.
   *
   * @throws {TypeError} If another pattern already matches exactly the same paths.
   */
  add(pattern: string, value: T): void {
    const segments = parsePattern(pattern);
    const clash = this.#entries.find((e) => shapeKey(e.segments) === shapeKey(segments));
    if (clash) throw new TypeError(`Routes ${clash.pattern} and ${pattern} match the same paths`);
    this.#entries.push({ pattern, segments, value });
    this.#trie = undefined;
  }

  /** The most specific entry matching `pathname`, or `undefined`. */
  match(pathname: string): Match<T> | undefined {
    this.#trie ??= this.#build();
    const [found] = this.#trie.match("GET", pathname) as [[number, Record<string, string>][]];
    if (found.length === 0) return undefined;
    // The entries are sorted by specificity, so the lowest index is the best match.
    const [index, raw] = found.reduce((best, cur) => cur[0] < best[0] ? cur : best);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) params[k] = tryDecode(v);
    const entry = this.#entries[index];
    return { value: entry.value, pattern: entry.pattern, params };
  }

  #build(): TrieRouter<number> {
    this.#entries.sort((a, b) => compareSpecificity(a.segments, b.segments));
    const trie = new TrieRouter<number>();
    this.#entries.forEach((entry, i) => {
      for (const path of toHonoPaths(entry.segments)) trie.add("ALL", path, i);
    });
    return trie;
  }
}

function tryDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
