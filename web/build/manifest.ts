/**
 * The build manifest: which bundle URL serves the browser runtime and each island file.
 * The builder writes it next to the bundles and publishes it in-process; the renderer
 * reads the in-process copy, or the file when the bundles were built by another process.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Bundle URLs of one build. */
export interface BuildManifest {
  /** The browser runtime (`web/client/boot.ts`). */
  client: string;
  /** Island file (relative to the islands folder) -> its bundle. */
  islands: Record<string, string>;
}

const published = new Map<string, BuildManifest>();

/** Where the manifest of `outDir` is stored. A dotfile, so `staticFiles()` never serves it. */
export function manifestPath(outDir: string): string {
  return join(outDir, ".manifest.json");
}

/** Make `manifest` the current one for `outDir` in this process. */
export function publishManifest(outDir: string, manifest: BuildManifest): void {
  published.set(outDir, manifest);
}

/**
 * The current manifest of `outDir`.
 *
 * @throws {Error} If nothing was built into `outDir`.
 */
export async function readManifest(outDir: string): Promise<BuildManifest> {
  const known = published.get(outDir);
  if (known) return known;
  let text;
  try {
    text = await readFile(manifestPath(outDir), "utf8");
  } catch (err) {
    throw new Error(`No island bundles in ${outDir}: call build() before serving pages with islands`, {
      cause: err,
    });
  }
  const manifest = JSON.parse(text) as BuildManifest;
  published.set(outDir, manifest);
  return manifest;
}
