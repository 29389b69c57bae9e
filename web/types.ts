/**
 * The types route, layout, island and middleware modules are written against.
 *
 * @module
 */
import type { ComponentType, FunctionComponent } from "preact";
import type { Context } from "./context.ts";
import type { HttpError } from "./http_error.ts";
import type { PageResponse } from "./page.ts";

/**
 * A middleware: return `ctx.next()` (possibly after changing `ctx.state` or the
 * response) or answer the request itself.
 */
export type Middleware<State = unknown> = (ctx: Context<State>) => Response | Promise<Response>;

/** What a handler may return. */
export type HandlerResult<Data> = Response | PageResponse<Data>;

/** A handler for one method, or for all methods when it is a route's whole `handler`. */
export type HandlerFn<Data = unknown, State = unknown> = (
  ctx: Context<State>,
) => HandlerResult<Data> | Promise<HandlerResult<Data>>;

/** Methods a route may handle; HEAD falls back to GET. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A route's handlers by method. A method without a handler answers 405. */
export type Handlers<Data = unknown, State = unknown> = {
  [M in Method]?: HandlerFn<Data, State>;
};

/** A route module's `handler` export: one function for every method, or one per method. */
export type RouteHandler<Data = unknown, State = unknown> =
  | HandlerFn<Data, State>
  | Handlers<Data, State>;

/** A route module's optional `config` export. */
export interface RouteConfig {
  /**
   * A URL pattern used instead of the one derived from the file name
   * (`:name` for a segment, `:name*` for the rest of the path).
   */
  routeOverride?: string;
  /** Render without the `_layout.tsx` files of the folders above. */
  skipInheritedLayouts?: boolean;
  /** Render without `_app.tsx`. */
  skipAppWrapper?: boolean;
}

/** Props of page components, layouts, `_app`, `_error` and `_404`. */
export interface PageProps<Data = unknown, State = unknown> {
  /** The data passed to `page(data)` or `ctx.render(data)`. */
  data: Data;
  /** The request URL. */
  url: URL;
  /** Route parameters, e.g. `{ id: "p-7" }` for `plants/[id].tsx`. */
  params: Record<string, string>;
  /** State set by middleware. */
  state: State;
  /** In `_app` and `_layout`: the content they wrap. */
  Component: FunctionComponent;
  /** In `_error` and `_404`: the error being rendered. */
  error?: HttpError;
}

/** A page component. */
export type PageComponent<Data = unknown, State = unknown> = ComponentType<PageProps<Data, State>>;

/** What a route module may export. */
export interface RouteModule {
  // deno-lint-ignore no-explicit-any
  handler?: RouteHandler<any, any>;
  // deno-lint-ignore no-explicit-any
  default?: PageComponent<any, any>;
  config?: RouteConfig;
}

/** What a `_middleware.ts` module exports. */
export interface MiddlewareModule {
  // deno-lint-ignore no-explicit-any
  default: Middleware<any> | Middleware<any>[];
}
