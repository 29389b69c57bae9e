/**
 * Builds the browser side: the runtime and one entry per island file, bundled by
 * esbuild into content-hashed ES modules in `outDir`, plus the manifest the renderer uses.
 *
 * @module
 */
import * as esbuild from "esbuild";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type FreshConfig, resolveConfig, type ResolvedConfig } from "../config.ts";
import { listSourceFiles } from "../source_files.ts";
import { denoImportsPlugin } from "./deno_imports_plugin.ts";
import { type BuildManifest, manifestPath, publishManifest } from "./manifest.ts";

const RUNTIME_ENTRY = fileURLToPath(new URL("../client/boot.ts", import.meta.url));
const FRESH_BROWSER = fileURLToPath(new URL("../client/fresh_browser.ts", import.meta.url));
const RUNTIME_NAME = "fresh-runtime";

// esbuild runs one service process; builds queue so stopping it after one cannot cut another short.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Bundles islands for the browser.
 *
 * @example
 * ```ts
 * import { Builder } from "fresh";
 *
 * const manifest = await new Builder().build();
 * console.log(manifest.client); // "/_islands/fresh-runtime-XXXXXXXX.js"
 * ```
 */
export class Builder {
  #config: ResolvedConfig;

  /**
   * Create a builder for the islands folder of `fresh.config.ts`.
   *
   * @param options Overrides of `fresh.config.ts`.
   */
  constructor(options: FreshConfig = {}) {
    this.#config = resolveConfig(options);
  }

  /** Bundle, write the files and the manifest, and make the manifest current in this process. */
  build(): Promise<BuildManifest> {
    const run = queue.then(() => this.#build());
    queue = run.catch(() => {});
    return run;
  }

  async #build(): Promise<BuildManifest> {
    const { root, islandsDir, outDir, outPrefix, minify } = this.#config;
    const islands = await listSourceFiles(islandsDir);
    const entryPoints: Record<string, string> = { [RUNTIME_NAME]: RUNTIME_ENTRY };
    for (const file of islands) {
      const name = file.replace(/\.[jt]sx?$/, "").replace(/[^\w-]/g, "_");
      if (name in entryPoints) throw new Error(`Island file ${file} clashes with another bundle name`);
      entryPoints[name] = join(islandsDir, file);
    }
    let result;
    try {
      result = await esbuild.build({
        entryPoints,
        absWorkingDir: root,
        outdir: outDir,
        entryNames: "[name]-[hash]",
        chunkNames: "chunk-[hash]",
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "browser",
        target: ["es2022"],
        minify,
        jsx: "automatic",
        jsxImportSource: "preact",
        metafile: true,
        write: false,
        logLevel: "silent",
        plugins: [denoImportsPlugin({ root, fresh: FRESH_BROWSER })],
      });
    } finally {
      // The service is a child process; stopping it keeps tests' leak checks quiet.
      await esbuild.stop();
    }
    const byInput = new Map<string, string>();
    for (const [out, meta] of Object.entries(result.metafile.outputs)) {
      if (meta.entryPoint) byInput.set(resolve(root, meta.entryPoint), outPrefix + basename(out));
    }
    const manifest: BuildManifest = {
      client: byInput.get(RUNTIME_ENTRY)!,
      islands: Object.fromEntries(islands.map((f) => [f, byInput.get(join(islandsDir, f))!])),
    };
    await writeOutputs(outDir, result.outputFiles);
    const manifestText = JSON.stringify(manifest, null, 2);
    const previous = await readFile(manifestPath(outDir), "utf8").catch(() => undefined);
    if (previous !== manifestText) await writeAtomically(manifestPath(outDir), manifestText);
    publishManifest(outDir, manifest);
    return manifest;
  }
}

/**
 * Bundle the islands with the settings of `fresh.config.ts` (and `options` on top).
 * Call it once at start-up, before serving.
 */
export function build(options: FreshConfig = {}): Promise<BuildManifest> {
  return new Builder(options).build();
}

/**
 * Bundles this build does not produce are deleted once they are this old. Younger ones
 * stay: another process (a dev server, a parallel test) building with other options may
 * have just written them and be serving them from the same folder.
 */
const STALE_AFTER_MS = 10 * 60_000;

/** Write the new files and delete the ones earlier builds left behind. */
async function writeOutputs(outDir: string, files: esbuild.OutputFile[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const keep = new Set(files.map((f) => basename(f.path)));
  const existing = new Set(await readdir(outDir));
  // A content-hashed name that exists already holds these bytes; leaving it untouched keeps
  // file watchers (deno task dev) from restarting on every start.
  await Promise.all(
    files.filter((f) => !existing.has(basename(f.path))).map((f) => writeAtomically(f.path, f.contents)),
  );
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const name of existing) {
    // Dotfiles are the manifest and other processes' half-written files.
    if (name.startsWith(".") || keep.has(name)) continue;
    const path = join(outDir, name);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Infinity }));
    if (mtimeMs < cutoff) await rm(path, { force: true });
  }
}

/** Write via a temporary file and a rename, so a server in another process never reads half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.tmp-${crypto.randomUUID()}-${basename(path)}`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}
