/**
 * The layer's settings: `fresh.config.ts` at the project root, resolved to absolute paths.
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import settings from "../fresh.config.ts";

/** The settings `fresh.config.ts` holds; paths are relative to the project root. */
export interface FreshConfig {
  /** The file-system routes. @default {"routes"} */
  routesDir?: string;
  /** Components hydrated in the browser. @default {"islands"} */
  islandsDir?: string;
  /** Files served as they are by `staticFiles()`. @default {"static"} */
  staticDir?: string;
  /** Where island bundles are written; must lie inside `staticDir`. @default {"static/_islands"} */
  outDir?: string;
  /** Minify island bundles. @default {true} */
  minify?: boolean;
}

/** {@linkcode FreshConfig} with every field set and every path absolute. */
export interface ResolvedConfig {
  root: string;
  routesDir: string;
  islandsDir: string;
  staticDir: string;
  outDir: string;
  /** URL path prefix of `outDir`, e.g. `/_islands/`. */
  outPrefix: string;
  minify: boolean;
}

/** The project root: the folder holding `fresh.config.ts` and `deno.json`. */
export const PROJECT_ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/**
 * Resolve `fresh.config.ts` with `overrides` on top (tests point them at fixtures).
 * Relative paths resolve against the project root.
 *
 * @throws {RangeError} If `outDir` is not inside `staticDir`.
 */
export function resolveConfig(overrides: FreshConfig = {}): ResolvedConfig {
  // An override left undefined keeps the file's setting instead of erasing it.
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined);
  const merged: FreshConfig = { ...settings, ...Object.fromEntries(given) };
  const path = (p: string | undefined, fallback: string) => resolve(PROJECT_ROOT, p ?? fallback);
  const staticDir = path(merged.staticDir, "static");
  const outDir = path(merged.outDir, "static/_islands");
  const rel = relative(staticDir, outDir);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new RangeError(`outDir ${outDir} must lie inside staticDir ${staticDir}`);
  }
  return {
    root: PROJECT_ROOT,
    routesDir: path(merged.routesDir, "routes"),
    islandsDir: path(merged.islandsDir, "islands"),
    staticDir,
    outDir,
    outPrefix: `/${rel.split(sep).join("/")}/`,
    minify: merged.minify ?? true,
  };
}
