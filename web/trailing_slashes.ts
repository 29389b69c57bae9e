/**
 * `trailingSlashes(mode)`, as in Fresh 2: one spelling of every path. `"never"` redirects `/api/plants/`
 * to `/api/plants`, `"always"` the other way; `/` stays as it is. The redirect is a 307, so a client that
 * follows it sends the same method and body again (a `POST /api/auth/token/` logs in), and the query
 * string goes along. Clients written against seed 003, whose paths all end in a slash, then reach the
 * routes instead of a 404.
 *
 * @example
 * ```ts
 * import { App, trailingSlashes } from "fresh";
 * const app = new App().use(trailingSlashes("never"));
 * ```
 * @module
 */
import type { Middleware } from "./types.ts";

/** Redirects (307) every path but `/` to its spelling without (`"never"`) or with (`"always"`) a final slash. */
export function trailingSlashes<State>(mode: "always" | "never"): Middleware<State> {
  return (ctx) => {
    const { pathname, search } = ctx.url;
    if (pathname === "/") return ctx.next();
    if (mode === "never" && pathname.endsWith("/")) {
      return ctx.redirect(`${pathname.replace(/\/+$/, "") || "/"}${search}`, 307);
    }
    if (mode === "always" && !pathname.endsWith("/")) {
      return ctx.redirect(`${pathname}/${search}`, 307);
    }
    return ctx.next();
  };
}
