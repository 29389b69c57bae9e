/**
 * Lists the modules in a routes or islands folder.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

const SOURCE = /\.[jt]sx?$/;
const TEST = /[._]test\.[jt]sx?$/;

/**
 * The source files under `dir`, as sorted `/`-separated paths relative to it. Tests
 * (`*_test.ts`), dotfiles and dot-folders are left out; a missing folder has no files.
 */
export async function listSourceFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !SOURCE.test(entry.name) || TEST.test(entry.name)) continue;
    const rel = relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/");
    if (rel.split("/").some((part) => part.startsWith("."))) continue;
    files.push(rel);
  }
  return files.sort();
}
