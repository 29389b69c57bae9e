/**
 * Calls a route's handler for the request method and turns what it returns into a response.
 *
 * @module
 */
import type { Context } from "./context.ts";
import type { Route } from "./fs_routes.ts";
import { HttpError } from "./http_error.ts";
import { isPageResponse, page } from "./page.ts";
import type { HandlerFn } from "./types.ts";

/**
 * Answer the request with `route`. HEAD runs GET; a method the route does not handle
 * is a 405 with `Allow`; a route with only a component renders it for GET.
 *
 * @throws {HttpError} 405 for a method the route does not handle.
 */
export async function dispatch<State>(ctx: Context<State>, route: Route): Promise<Response> {
  const fn = handlerFor(route, ctx.req.method);
  if (!fn) {
    throw new HttpError(405, `${ctx.req.method} is not allowed here`, {
      headers: { Allow: allowedMethods(route).join(", ") },
    });
  }
  const result = await fn(ctx as Context<unknown>);
  if (result instanceof Response) return result;
  if (isPageResponse(result)) return await ctx.render(result.data, result);
  throw new TypeError(`Handler of ${route.file} returned neither a Response nor page()`);
}

/** The methods `route` answers, for the `Allow` header. */
export function allowedMethods(route: Route): string[] {
  const { handler } = route;
  if (typeof handler === "function") return ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
  const methods = handler ? Object.keys(handler) : ["GET"];
  return methods.includes("GET") ? ["GET", "HEAD", ...methods.filter((m) => m !== "GET")] : methods;
}

function handlerFor(route: Route, method: string): HandlerFn<unknown, unknown> | undefined {
  const { handler } = route;
  if (typeof handler === "function") return handler;
  const key = method === "HEAD" ? "GET" : method;
  // Own keys only: a request method named "constructor" must not reach Object.prototype.
  if (handler) return Object.hasOwn(handler, key) ? handler[key as keyof typeof handler] : undefined;
  return key === "GET" ? () => page() : undefined;
}
