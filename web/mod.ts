/**
 * GridPulse's stand-in for Fresh 2: file-system routes, layouts, middleware, error
 * pages and hydrated islands on top of Hono's router and Preact. Route and island
 * files import from `"fresh"`, which the import map points here. See README.md for a
 * request's walk through the files.
 *
 * @example
 * ```ts
 * import { App, build, staticFiles } from "fresh";
 *
 * const app = new App();
 * app.use(staticFiles());
 * await app.fsRoutes();
 * await build();
 * Deno.serve({ port: 8000 }, app.handler());
 * ```
 *
 * @module
 */
export { App, type AppOptions, type ListenOptions } from "./app.ts";
export { build, Builder } from "./build/builder.ts";
export type { BuildManifest } from "./build/manifest.ts";
export type { FreshConfig } from "./config.ts";
export { Context } from "./context.ts";
export { createDefine, type Define, type HandlerData } from "./define.ts";
export type { MapError } from "./error.ts";
export {
  type ClientErrorStatus,
  type ErrorStatus,
  HttpError,
  type HttpErrorOptions,
  type ServerErrorStatus,
} from "./http_error.ts";
export { IS_BROWSER } from "./is_browser.ts";
export { page, type PageInit, type PageResponse } from "./page.ts";
export { staticFiles, type StaticFilesOptions } from "./static_files.ts";
export { trailingSlashes } from "./trailing_slashes.ts";
export type {
  HandlerFn,
  HandlerResult,
  Handlers,
  Method,
  Middleware,
  PageComponent,
  PageProps,
  RouteConfig,
  RouteHandler,
} from "./types.ts";
