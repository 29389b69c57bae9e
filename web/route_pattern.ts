/**
 * URL patterns: derived from route file names, compared for precedence, and
 * translated to Hono router paths.
 *
 * @module
 */

/** One segment of a URL pattern. */
export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "rest"; name: string };

const SPECIFICITY = { static: 0, param: 1, rest: 2 } as const;

/**
 * The Fresh pattern of a route file, e.g. `plants/[id].tsx` -> `/plants/:id`,
 * `files/[...path].tsx` -> `/files/:path*`, `(ops)/dispatch.tsx` -> `/dispatch`.
 *
 * @param file The file path relative to the routes folder, `/`-separated.
 * @throws {TypeError} If a segment uses syntax this layer does not support.
 */
export function patternFromFile(file: string): string {
  const parts = file.replace(/\.[jt]sx?$/, "").split("/");
  if (parts.at(-1) === "index") parts.pop();
  const out: string[] = [];
  for (const part of parts) {
    if (/^\(.+\)$/.test(part)) continue;
    const rest = /^\[\.\.\.(\w+)\]$/.exec(part);
    const param = /^\[(\w+)\]$/.exec(part);
    if (rest) out.push(`:${rest[1]}*`);
    else if (param) out.push(`:${param[1]}`);
    else if (/[[\]():*{}]/.test(part)) throw new TypeError(`Unsupported route segment "${part}" in ${file}`);
    else out.push(part);
  }
  return "/" + out.join("/");
}

/**
 * Split a Fresh pattern (`/plants/:id`, `/files/:path*`) into segments.
 *
 * @throws {TypeError} If the pattern does not start with `/` or a rest segment is not last.
 */
export function parsePattern(pattern: string): Segment[] {
  if (!pattern.startsWith("/")) throw new TypeError(`Route pattern must start with "/": ${pattern}`);
  const segments: Segment[] = pattern.split("/").filter(Boolean).map((part): Segment => {
    const m = /^:(\w+)(\*)?$/.exec(part);
    if (!m) return { kind: "static", value: part };
    return m[2] ? { kind: "rest", name: m[1] } : { kind: "param", name: m[1] };
  });
  const restAt = segments.findIndex((s) => s.kind === "rest");
  if (restAt !== -1 && restAt !== segments.length - 1) {
    throw new TypeError(`A rest segment must come last: ${pattern}`);
  }
  return segments;
}

/**
 * Order two patterns so the more specific comes first: at the first segment where
 * they differ, static beats `[param]` beats `[...rest]`; a pattern that ends where the
 * other goes on (`/files` vs `/files/:path*`) comes first.
 */
export function compareSpecificity(a: readonly Segment[], b: readonly Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = SPECIFICITY[a[i].kind] - SPECIFICITY[b[i].kind];
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/**
 * The Hono router paths for a pattern. A rest segment matches zero or more segments,
 * which Hono spells as two paths: the prefix alone and the prefix with a `{.+}` param.
 */
export function toHonoPaths(segments: readonly Segment[]): string[] {
  const parts = segments.map((s) => s.kind === "static" ? s.value : `:${s.name}`);
  const last = segments.at(-1);
  if (last?.kind !== "rest") return ["/" + parts.join("/")];
  const prefix = "/" + parts.slice(0, -1).join("/");
  return [prefix, `${prefix === "/" ? "" : prefix}/:${last.name}{.+}`];
}

/** A key that is equal for two patterns that would match exactly the same paths. */
export function shapeKey(segments: readonly Segment[]): string {
  return "/" + segments.map((s) => s.kind === "static" ? s.value : s.kind === "param" ? ":" : "*").join("/");
}
