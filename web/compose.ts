/**
 * Runs a middleware chain that ends in a route (or a 404).
 *
 * @module
 */
import { type Context, SET_NEXT } from "./context.ts";
import type { Middleware } from "./types.ts";

/**
 * Run `middlewares` in order, outer first; the last `ctx.next()` calls `last`.
 * Errors propagate to the caller, so an outer middleware can catch what an inner one throws.
 */
export function runChain<State>(
  ctx: Context<State>,
  middlewares: readonly Middleware<State>[],
  last: () => Promise<Response>,
): Promise<Response> {
  let called = -1;
  const dispatch = async (i: number): Promise<Response> => {
    if (i <= called) throw new Error("ctx.next() was called more than once in one middleware");
    called = i;
    if (i === middlewares.length) return await last();
    ctx[SET_NEXT](() => dispatch(i + 1));
    const res = await middlewares[i](ctx);
    if (!(res instanceof Response)) {
      throw new TypeError(`Middleware ${middlewares[i].name || i} returned ${typeof res}, not a Response`);
    }
    return res;
  };
  return dispatch(0);
}
