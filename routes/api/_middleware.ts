/**
 * Every `/api` request: who is calling (bearer token or `gp_access` cookie; each operation then decides
 * whether that is enough), a same-origin check for cookie-authenticated writes, and `no-store` caching
 * unless the route chose otherwise.
 * @module
 */
import { type Context, HttpError } from "fresh";
import { authenticate, sameOriginWrite } from "../../auth/authenticate.ts";
import type { State } from "../../core/services.ts";

/** Authenticates the request into `ctx.state.user` (or `ctx.state.authError`). */
export default async function apiAuth(ctx: Context<State>): Promise<Response> {
  const { user, via, error } = await authenticate(ctx.state.services, ctx.req);
  ctx.state.user = user;
  if (error) ctx.state.authError = error;
  if (user && via === "cookie" && !sameOriginWrite(ctx.req)) {
    throw new HttpError(
      403,
      "Cross-site request refused: a write with cookie credentials must come from this site",
    );
  }
  const res = await ctx.next();
  if (!res.headers.has("Cache-Control")) res.headers.set("Cache-Control", "no-store");
  return res;
}
