/**
 * The per-request context handed to middleware and handlers.
 *
 * @module
 */
import type { PageInit } from "./page.ts";

/** How a context renders the matched route's page; supplied by the app. */
export type RenderPage = (data: unknown, init: PageInit) => Promise<Response>;

/** Package-private: lets the chain runner point `next()` at the following link. */
export const SET_NEXT: unique symbol = Symbol("fresh.setNext");

/**
 * One request on its way through middleware to a handler.
 *
 * @example A middleware that times the rest of the chain
 * ```ts
 * import type { Context } from "fresh";
 *
 * export async function timing(ctx: Context<unknown>): Promise<Response> {
 *   const started = performance.now();
 *   const res = await ctx.next();
 *   res.headers.set("Server-Timing", `app;dur=${performance.now() - started}`);
 *   return res;
 * }
 * ```
 */
export class Context<State = unknown> {
  /** The incoming request. */
  readonly req: Request;
  /** The parsed request URL. */
  readonly url: URL;
  /** Route parameters; empty when no route matched. */
  readonly params: Record<string, string>;
  /** Connection info (remote address); absent when the handler is called without a server. */
  readonly info: Deno.ServeHandlerInfo | undefined;
  /** Per-request state, filled in by middleware. */
  state: State;
  #next: () => Promise<Response>;
  #render: RenderPage;

  /** Created by the app for each request; not meant to be constructed by route code. */
  constructor(
    req: Request,
    url: URL,
    params: Record<string, string>,
    info: Deno.ServeHandlerInfo | undefined,
    render: RenderPage,
  ) {
    this.req = req;
    this.url = url;
    this.params = params;
    this.info = info;
    this.state = {} as State;
    this.#render = render;
    this.#next = () => Promise.reject(new Error("ctx.next() called outside a middleware chain"));
  }

  /** Run the rest of the chain (later middleware, then the route) and return its response. */
  next(): Promise<Response> {
    return this.#next();
  }

  /** Package-private, see {@linkcode SET_NEXT}. */
  [SET_NEXT](next: () => Promise<Response>): void {
    this.#next = next;
  }

  /** Render the matched route's page component with `data`. */
  render(data?: unknown, init: PageInit = {}): Promise<Response> {
    return this.#render(data, init);
  }

  /**
   * Redirect to `path`. A protocol-relative `//host` path is folded to `/host` so a
   * user-supplied path cannot send the browser to another site.
   */
  redirect(path: string, status: 301 | 302 | 303 | 307 | 308 = 302): Response {
    const location = path.startsWith("/") ? path.replace(/^[/\\]+/, "/") : path;
    return new Response(null, { status, headers: { Location: location } });
  }

  /** A JSON response. */
  json(body: unknown, init?: ResponseInit): Response {
    return Response.json(body, init);
  }
}
