/**
 * Reads a routes folder into a route tree: route modules with their URL patterns and
 * the special files (`_app`, `_layout`, `_middleware`, `_error`, `_404`) of each folder.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfiguredComponent } from "./render.ts";
import { patternFromFile } from "./route_pattern.ts";
import { listSourceFiles } from "./source_files.ts";
import type { Method, Middleware, MiddlewareModule, RouteHandler, RouteModule } from "./types.ts";

/** A folder of the routes tree (a `(group)` folder too) and its special files. */
export interface Folder {
  /** Path relative to the routes folder; `""` for the root. */
  dir: string;
  middlewares: Middleware<unknown>[];
  layout?: ConfiguredComponent;
  errorPage?: ConfiguredComponent;
  notFoundPage?: ConfiguredComponent;
}

/** A route module and where it sits. */
export interface Route extends Partial<ConfiguredComponent> {
  /** File relative to the routes folder. */
  file: string;
  /** Its Fresh URL pattern, e.g. `/plants/:id`. */
  pattern: string;
  handler?: RouteHandler<unknown, unknown>;
  config: NonNullable<RouteModule["config"]>;
  /** The folders from the root down to the route's own. */
  folders: Folder[];
}

/** A routes folder, read. */
export interface RouteTree {
  app?: ConfiguredComponent;
  root: Folder;
  routes: Route[];
}

const METHODS = new Set<string>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const SPECIAL = new Set(["_app", "_layout", "_middleware", "_error", "_404"]);

/**
 * Import every module under `dir` and build the route tree. Files in `(_name)` folders
 * are left out (that is where colocated components live).
 *
 * @throws {TypeError} On an unknown `_file`, a misplaced `_app`, or a module whose exports do not fit.
 */
export async function loadRoutes(dir: string): Promise<RouteTree> {
  const tree: RouteTree = { root: folder(""), routes: [] };
  const folders = new Map([["", tree.root]]);
  const folderOf = (rel: string): Folder => {
    let f = folders.get(rel);
    if (!f) folders.set(rel, f = folder(rel));
    return f;
  };
  for (const file of await listSourceFiles(dir)) {
    const parts = file.split("/");
    if (parts.slice(0, -1).some((p) => p.startsWith("(_"))) continue;
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const name = parts.at(-1)!.replace(/\.[jt]sx?$/, "");
    const rel = parts.slice(0, -1).join("/");
    if (name.startsWith("_")) addSpecial(tree, folderOf(rel), file, name, mod);
    // A folder's special files may come later in the listing; they land on the same Folder objects.
    else tree.routes.push(toRoute(file, mod as RouteModule, ancestry(file, folderOf)));
  }
  return tree;
}

/** The folders from the root down to the one holding `file`. */
function ancestry(file: string, folderOf: (dir: string) => Folder): Folder[] {
  const parts = file.split("/").slice(0, -1);
  return [folderOf(""), ...parts.map((_, i) => folderOf(parts.slice(0, i + 1).join("/")))];
}

function folder(dir: string): Folder {
  return { dir, middlewares: [] };
}

function addSpecial(tree: RouteTree, at: Folder, file: string, name: string, mod: Record<string, unknown>) {
  if (!SPECIAL.has(name)) {
    throw new TypeError(`Unknown special route file ${file}; expected one of ${[...SPECIAL]}`);
  }
  if (name === "_middleware") {
    const m = (mod as Partial<MiddlewareModule>).default;
    const list = Array.isArray(m) ? m : [m];
    if (list.length === 0 || list.some((f) => typeof f !== "function")) {
      throw new TypeError(`${file} must default-export a middleware or an array of them`);
    }
    at.middlewares = list as Middleware<unknown>[];
    return;
  }
  const component = mod.default;
  if (typeof component !== "function") throw new TypeError(`${file} must default-export a component`);
  const entry = { component, config: mod.config ?? {} } as ConfiguredComponent;
  if (name === "_app") {
    if (at !== tree.root) throw new TypeError(`${file}: _app is only allowed at the routes root`);
    tree.app = entry;
  } else if (name === "_layout") at.layout = entry;
  else if (name === "_error") at.errorPage = entry;
  else at.notFoundPage = entry;
}

function toRoute(file: string, mod: RouteModule, folders: Folder[]): Route {
  const { handler, default: component, config = {} } = mod;
  if (handler === undefined && component === undefined) {
    throw new TypeError(`Route ${file} exports neither a handler nor a default component`);
  }
  if (handler !== undefined && typeof handler !== "function") {
    if (typeof handler !== "object" || handler === null) {
      throw new TypeError(`Route ${file}: bad handler export`);
    }
    const unknown = Object.keys(handler).filter((m) => !METHODS.has(m as Method));
    if (unknown.length > 0) throw new TypeError(`Route ${file}: handler has unknown methods ${unknown}`);
  }
  const pattern = config.routeOverride ?? patternFromFile(file);
  return { file, pattern, handler, component, config, folders };
}
