/**
 * The API's route modules, found the way the web layer finds them (`routes/api/**`, leaving out
 * `_special` files, tests and `(_private)` folders), with their OpenAPI paths and declarations. The
 * OpenAPI generator and the tests read the API from here, so nothing is listed twice.
 * @module
 */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Method } from "fresh";
import type { OperationSpec } from "./operation.ts";

/** The API routes folder. */
export const API_ROUTES_DIR: string = fileURLToPath(new URL("../routes/api/", import.meta.url));

/** One API route module. */
export interface ApiRoute {
  /** Path relative to `routes/api/`, e.g. `plants/[id].ts`. */
  file: string;
  /** OpenAPI path template, e.g. `/api/plants/{id}`. */
  path: string;
  /** Matches a concrete URL path of this route. */
  regex: RegExp;
  /** Its operations by method; undefined when the module exports no `openapi`. */
  operations?: Partial<Record<Method, OperationSpec>>;
}

/** `plants/[id].ts` -> `/api/plants/{id}`; `index` names its folder; `(group)` folders vanish. */
export function openApiPath(file: string): string {
  const parts = file.replace(/\.[jt]sx?$/, "").split("/");
  if (parts.at(-1) === "index") parts.pop();
  const segments = parts.filter((p) => !/^\(.+\)$/.test(p)).map((p) =>
    p.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")
  );
  return ["/api", ...segments].join("/");
}

function pathRegex(file: string, path: string): RegExp {
  const rest = /\[\.\.\.(\w+)\]\.[jt]sx?$/.test(file);
  const body = path.split("/").map((segment, i, all) => {
    if (!/^\{\w+\}$/.test(segment)) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return rest && i === all.length - 1 ? ".+" : "[^/]+";
  }).join("/");
  return new RegExp(`^${body}$`);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.[jt]sx?$/.test(e.name) && !/[._]test\.[jt]sx?$/.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((rel) =>
      !rel.split("/").some((p) => p.startsWith(".") || p.startsWith("_") || p.startsWith("(_"))
    )
    .sort();
}

let cached: Promise<ApiRoute[]> | undefined;

/** Every API route module, imported once per process. */
export function apiRoutes(): Promise<ApiRoute[]> {
  return cached ??= (async () => {
    const routes: ApiRoute[] = [];
    for (const file of await sourceFiles(API_ROUTES_DIR)) {
      const mod = await import(pathToFileURL(join(API_ROUTES_DIR, file)).href);
      const path = openApiPath(file);
      routes.push({ file, path, regex: pathRegex(file, path), operations: mod.openapi });
    }
    // static segments before parameters, as the router matches them
    return routes.sort((a, b) => {
      const [x, y] = [specificity(a.path), specificity(b.path)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  })();
}

function specificity(path: string): string {
  return path.split("/").map((s) => (s.startsWith("{") ? "\uffff" : s)).join("/");
}

/** The route and operation a request for `method` and `pathname` reaches, if any. */
export async function findOperation(
  method: string,
  pathname: string,
): Promise<{ route: ApiRoute; spec?: OperationSpec } | undefined> {
  for (const route of await apiRoutes()) {
    if (route.regex.test(pathname)) {
      return { route, spec: route.operations?.[(method === "HEAD" ? "GET" : method) as Method] };
    }
  }
  return undefined;
}
