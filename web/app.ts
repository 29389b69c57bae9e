/**
 * `App`: file-system routes, middleware and error pages behind one request handler.
 *
 * @module
 */
import { resolve } from "node:path";
import { type FreshConfig, resolveConfig, type ResolvedConfig } from "./config.ts";
import { runChain } from "./compose.ts";
import { Context } from "./context.ts";
import { dispatch } from "./dispatch.ts";
import { errorResponse, type MapError } from "./error.ts";
import { type Folder, loadRoutes, type Route, type RouteTree } from "./fs_routes.ts";
import { HttpError } from "./http_error.ts";
import { loadIslands } from "./islands/load_islands.ts";
import type { PageInit } from "./page.ts";
import { type ConfiguredComponent, renderPage } from "./render.ts";
import { Router } from "./router.ts";
import type { Middleware } from "./types.ts";

/** Options of {@linkcode App}. */
export interface AppOptions {
  /**
   * Map the application's own errors to {@linkcode HttpError}s; return `undefined`
   * for errors it does not know (they become a 500).
   * @default {undefined}
   */
  mapError?: MapError;
  /**
   * Overrides of `fresh.config.ts`.
   * @default {{}}
   */
  config?: FreshConfig;
}

/** Options of {@linkcode App.listen}. */
export type ListenOptions = Pick<Deno.ServeTcpOptions, "port" | "hostname" | "signal" | "onListen">;

/**
 * A web app: middleware added with `use()`, routes read from `routes/` by `fsRoutes()`.
 *
 * @example
 * ```ts
 * import { App, build, staticFiles } from "fresh";
 *
 * const app = new App<{ user?: string }>();
 * app.use(staticFiles());
 * await app.fsRoutes();
 * await build();
 * const res = await app.handler()(new Request("http://localhost/"));
 * console.log(res.status);
 * ```
 */
export class App<State = unknown> {
  #config: ResolvedConfig;
  #mapError: MapError | undefined;
  #middlewares: Middleware<State>[] = [];
  #router = new Router<Route>();
  #tree: RouteTree | undefined;

  /**
   * Create an app; call `fsRoutes()` before handling requests.
   *
   * @param options `mapError` and overrides of `fresh.config.ts`.
   */
  constructor(options: AppOptions = {}) {
    this.#config = resolveConfig(options.config);
    this.#mapError = options.mapError;
  }

  /**
   * Add middleware that runs for every request, before the routes' own `_middleware`
   * files, in the order added.
   */
  use(...middleware: Middleware<State>[]): this {
    this.#middlewares.push(...middleware);
    return this;
  }

  /**
   * Read the routes (and the islands they render) from disk.
   *
   * @param routesDir The routes folder, relative to the project root; defaults to
   *   `routesDir` of `fresh.config.ts`.
   */
  async fsRoutes(routesDir: string = this.#config.routesDir): Promise<this> {
    if (this.#tree) throw new Error("fsRoutes() was already called on this app");
    await loadIslands(this.#config.islandsDir);
    const tree = await loadRoutes(resolve(this.#config.root, routesDir));
    for (const route of tree.routes) this.#router.add(route.pattern, route);
    this.#tree = tree;
    return this;
  }

  /** The request handler, for `Deno.serve()` or for calling directly in tests. */
  handler(): (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response> {
    return (req, info) => this.#handle(req, info);
  }

  /** Serve the app with `Deno.serve`. */
  listen(options: ListenOptions = {}): Deno.HttpServer<Deno.NetAddr> {
    return Deno.serve(options, this.handler());
  }

  async #handle(req: Request, info: Deno.ServeHandlerInfo | undefined): Promise<Response> {
    const url = new URL(req.url);
    const match = this.#router.match(url.pathname);
    const route = match?.value;
    const folders = route?.folders ?? (this.#tree ? [this.#tree.root] : []);
    const ctx: Context<State> = new Context(req, url, match?.params ?? {}, info, (data, init) => {
      if (!route?.component) return Promise.reject(new Error(`No page component for ${url.pathname}`));
      return this.#render({ component: route.component, config: route.config }, folders, ctx, data, init);
    });
    const middlewares = [
      ...this.#middlewares,
      ...folders.flatMap((f) => f.middlewares as Middleware<State>[]),
    ];
    let res: Response;
    try {
      res = await runChain(
        ctx,
        middlewares,
        () => route ? dispatch(ctx, route) : Promise.reject(new HttpError(404)),
      );
    } catch (err) {
      res = await errorResponse(err, req, {
        mapError: this.#mapError,
        renderPage: (error) => this.#renderError(error, folders, ctx),
      });
    }
    if (req.method !== "HEAD" || res.body === null) return res;
    await res.body.cancel();
    return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
  }

  /** The nearest `_404` for a 404, else the nearest `_error`; `undefined` if there is none. */
  #renderError(error: HttpError, folders: Folder[], ctx: Context<State>): Promise<Response | undefined> {
    const nearest = (pick: (f: Folder) => ConfiguredComponent | undefined) => {
      for (let at = folders.length - 1; at >= 0; at--) {
        const page = pick(folders[at]);
        if (page) return { page, at };
      }
    };
    const found = (error.status === 404 ? nearest((f) => f.notFoundPage) : undefined) ??
      nearest((f) => f.errorPage);
    if (!found) return Promise.resolve(undefined);
    return this.#render(
      found.page,
      folders.slice(0, found.at + 1),
      ctx,
      undefined,
      { status: error.status },
      error,
    );
  }

  #render(
    page: ConfiguredComponent,
    folders: Folder[],
    ctx: Context<State>,
    data: unknown,
    init: PageInit,
    error?: HttpError,
  ): Promise<Response> {
    const layouts = folders.flatMap((f) => f.layout ? [f.layout] : []);
    const { url, params, state } = ctx;
    return renderPage(page, { app: this.#tree?.app, layouts }, { data, url, params, state, error }, init, {
      outDir: this.#config.outDir,
    });
  }
}
