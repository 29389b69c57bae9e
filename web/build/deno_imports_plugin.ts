/**
 * An esbuild plugin that resolves bare specifiers the way Deno does for this project:
 * through deno.json's import map. `fresh` becomes the browser-safe entry; `npm:`
 * entries become package names esbuild finds in node_modules/; local entries become paths.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plugin } from "esbuild";

/** Options of {@linkcode denoImportsPlugin}. */
export interface DenoImportsOptions {
  /** The folder holding deno.json. */
  root: string;
  /** The file `fresh` resolves to in the browser. */
  fresh: string;
}

/** Resolve bare specifiers through deno.json's `imports`. */
export function denoImportsPlugin({ root, fresh }: DenoImportsOptions): Plugin {
  const imports = readImports(root);
  const keys = Object.keys(imports).sort((a, b) => b.length - a.length);
  return {
    name: "deno-imports",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === "fresh") return { path: fresh };
        const key = keys.find((k) => args.path === k || (k.endsWith("/") && args.path.startsWith(k)));
        if (key === undefined) return undefined;
        const target = imports[key] + args.path.slice(key.length);
        if (/^\.\.?\//.test(target)) return { path: resolve(root, target) };
        if (!target.startsWith("npm:")) {
          return { errors: [{ text: `${args.path} maps to ${target}, which island bundles cannot load` }] };
        }
        const bare = npmToBare(target);
        if (bare === args.path) return undefined; // node_modules/ resolution finds it as is
        return build.resolve(bare, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer });
      });
    },
  };
}

/** `npm:/preact@10.29.8/hooks` -> `preact/hooks`, `npm:@preact/signals@2` -> `@preact/signals`. */
export function npmToBare(specifier: string): string {
  const m = /^npm:\/?(@[^/@]+\/[^/@]+|[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(specifier);
  if (!m) throw new TypeError(`Not an npm: specifier: ${specifier}`);
  return m[1] + (m[2] ?? "");
}

function readImports(root: string): Record<string, string> {
  try {
    const json = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
    return json.imports ?? {};
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return {};
    throw err;
  }
}
