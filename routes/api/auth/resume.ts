/**
 * `GET /api/auth/resume`: renew a browser session from the `gp_refresh` cookie. The cookie is sent only
 * to `/api/auth/`, so the pages cannot read it: when a page request has no valid access cookie, the
 * page middleware sends the browser here with `next`, and this answers with fresh cookies and a
 * redirect back, or with a redirect to the sign-in page.
 */
import { HttpError } from "fresh";
import { z } from "zod";
import {
  authCookies,
  clearAuthCookies,
  isSecureRequest,
  readCookie,
  REFRESH_COOKIE,
} from "../../../auth/cookies.ts";
import { refreshTokens, TokenError } from "../../../auth/tokens.ts";
import { signInPath } from "../../../auth/session.ts";
import { LocalPath } from "../../../domain/common.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Resume a browser session",
    description: "Exchanges the `gp_refresh` cookie for new cookies (the refresh token rotates). With " +
      "`next`, redirects (303) there, or to the sign-in page when the cookie is missing or no longer " +
      "valid; without `next`, answers 204, or 401.",
    tags: ["Auth"],
    access: "public",
    query: z.strictObject({
      next: LocalPath.optional().describe("The page to return to, e.g. /plants?page=2"),
    }),
    alsoAnswers: { 303: "Redirected to `next` (session renewed) or to the sign-in page" },
  }, async ({ ctx, services, query }) => {
    const secure = isSecureRequest(ctx.req);
    const token = readCookie(ctx.req, REFRESH_COOKIE);
    const headers = new Headers();
    try {
      if (!token) throw new TokenError("No gp_refresh cookie: sign in first");
      for (const cookie of authCookies(await refreshTokens(services, token), secure)) {
        headers.append("Set-Cookie", cookie);
      }
      if (query.next) headers.set("Location", query.next);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      if (!query.next) {
        throw new HttpError(401, error.message, {
          headers: { "WWW-Authenticate": 'Bearer realm="gridpulse"' },
        });
      }
      for (const cookie of clearAuthCookies(secure)) headers.append("Set-Cookie", cookie);
      headers.set("Location", signInPath(query.next));
    }
    return new Response(null, { status: query.next ? 303 : 204, headers });
  }),
});
