/**
 * `createDefine()`: typed identity helpers for routes and middleware.
 *
 * @module
 */
import type { HandlerFn, Handlers, Middleware, PageComponent, RouteHandler } from "./types.ts";

/** The data type a route handler passes to `page()`. */
export type HandlerData<H> = H extends HandlerFn<infer Data, infer _S> ? Data
  : H extends Handlers<infer Data, infer _S> ? Data
  : never;

/** Identity helpers bound to one `State` type; they exist only for type inference. */
export interface Define<State> {
  /** Type a route's `handler` export. */
  handlers<Data, H extends RouteHandler<Data, State> = RouteHandler<Data, State>>(handlers: H): H;
  /** Type a page component; `define.page<typeof handler>` infers `props.data` from the handler. */
  page<H extends RouteHandler<unknown, State> = never, Data = HandlerData<H>>(
    render: PageComponent<Data, State>,
  ): PageComponent<Data, State>;
  /** Type a middleware, or an array of them (a `_middleware.ts` default export). */
  middleware<M extends Middleware<State> | Middleware<State>[]>(middleware: M): M;
}

/**
 * Create the typed `define` helpers for an app's `State`.
 *
 * @example
 * ```ts
 * import { createDefine, page } from "fresh";
 *
 * interface State { title?: string }
 * const define = createDefine<State>();
 *
 * const handler = define.handlers({
 *   GET(ctx) {
 *     ctx.state.title = "Plants";
 *     return page({ count: 3 });
 *   },
 * });
 * const Plants = define.page<typeof handler>(({ data }) => <p>{data.count} plants</p>);
 * ```
 */
export function createDefine<State>(): Define<State> {
  return {
    handlers: (handlers) => handlers,
    page: (render) => render,
    middleware: (middleware) => middleware,
  };
}
