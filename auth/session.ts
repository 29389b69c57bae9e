/**
 * Browser sessions for the pages: the `gp_access` cookie says who is signed in; when it is missing or
 * expired, the browser goes through `GET /api/auth/resume` (the only place the path-scoped `gp_refresh`
 * cookie reaches) and comes back with new cookies, or lands on the sign-in page.
 *
 * @example
 * ```ts
 * // routes/(app)/_middleware.ts
 * import { requireSession } from "../../auth/session.ts";
 * export default requireSession;
 * ```
 * @module
 */
import { type Context, HttpError } from "fresh";
import type { State } from "../core/services.ts";
import { type Role, roleAllows } from "../domain/user.ts";
import { authenticate } from "./authenticate.ts";

/** The sign-in page. */
export const SIGN_IN_PATH = "/login";

/** The sign-in page, returning to `next` afterwards. */
export function signInPath(next: string): string {
  return next === "/" ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}

/** Where a page request without a valid access cookie goes to renew its session. */
export function resumePath(next: string): string {
  return `/api/auth/resume?next=${encodeURIComponent(next)}`;
}

/**
 * Headers of every page: never cached (they show a user's data), and a policy that allows nothing
 * from another origin, which also proves the pages need no CDN.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; " +
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; " +
    "base-uri 'self'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/** Sets {@linkcode PAGE_HEADERS} on a page response (those it did not set itself). */
export function withPageHeaders(res: Response): Response {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) {
    if (!res.headers.has(name)) res.headers.set(name, value);
  }
  return res;
}

/** Puts the signed-in user (if any) into `ctx.state.user`; a store that is down is a 503 page. */
export async function identify(ctx: Context<State>): Promise<void> {
  try {
    ctx.state.user = (await authenticate(ctx.state.services, ctx.req)).user;
  } catch (error) {
    // Verifying a token needs the signing key, read once from PostgreSQL.
    ctx.state.services.log.warn("page sign-in check failed", { error });
    throw new HttpError(503, "GridPulse cannot check your sign-in: its database is not answering");
  }
}

/** Middleware of the signed-in pages: a visitor without a valid session is sent to renew it or sign in. */
export async function requireSession(ctx: Context<State>): Promise<Response> {
  await identify(ctx);
  if (!ctx.state.user) {
    // 303 also turns a form POST into a GET of the resume URL
    return ctx.redirect(resumePath(ctx.url.pathname + ctx.url.search), 303);
  }
  return withPageHeaders(await ctx.next());
}

/** Whether the signed-in user has at least `role` (viewers see no write controls). */
export function hasRole(user: State["user"], role: Role): boolean {
  return user !== undefined && roleAllows(user.role, role);
}

/**
 * Stops a page below `role` with a 403 page.
 *
 * @throws {HttpError} 403 naming the role needed.
 */
export function requireRole(ctx: Context<State>, role: Role): void {
  if (!hasRole(ctx.state.user, role)) {
    throw new HttpError(
      403,
      `This page needs the ${role} role; you are signed in as ${ctx.state.user?.role}`,
    );
  }
}
