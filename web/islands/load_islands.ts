/**
 * Discovers islands: every function exported from a module in the islands folder.
 *
 * @module
 */
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { listSourceFiles } from "../source_files.ts";
import { type Island, registerIsland } from "./island_render.ts";

/**
 * Import every module under `dir` and register each exported component as an island.
 * The default export of `LiveClock.tsx` is named `LiveClock`; a named export keeps its
 * name unless another island has it already.
 */
export async function loadIslands(dir: string): Promise<Island[]> {
  const islands: Island[] = [];
  const names = new Set<string>();
  const unique = (name: string) => {
    const base = name.replace(/[^\w$]/g, "_"); // names travel in markers and JS source
    let candidate = base;
    for (let i = 2; names.has(candidate); i++) candidate = `${base}_${i}`;
    names.add(candidate);
    return candidate;
  };
  for (const file of await listSourceFiles(dir)) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const seen = new Set<unknown>();
    for (const [exportName, component] of Object.entries(mod)) {
      if (typeof component !== "function" || seen.has(component)) continue;
      seen.add(component);
      const base = exportName === "default" ? basename(file).replace(/\.[jt]sx?$/, "") : exportName;
      const island = { name: unique(base), file, exportName, component } as Island;
      registerIsland(island);
      islands.push(island);
    }
  }
  return islands;
}
