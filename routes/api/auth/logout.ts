/** `POST /api/auth/logout`: revoke the refresh token (or, with only an access token, every session). */
import { HttpError } from "fresh";
import { z } from "zod";
import { clearAuthCookies, isSecureRequest, readCookie, REFRESH_COOKIE } from "../../../auth/cookies.ts";
import { endAllSessions, revokeToken } from "../../../auth/tokens.ts";
import { LocalPath } from "../../../domain/common.ts";
import { RefreshRequest } from "../../../domain/user.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  POST: operation({
    summary: "Sign out",
    description:
      "Revokes the refresh token from the body or the `gp_refresh` cookie, ends its session (its access " +
      "tokens are refused from now on, on every instance within 5 s) and clears the cookies. Without a " +
      "refresh token, a valid access token signs the user out of every session. With `next` (the pages' " +
      "sign-out form) the answer is a 303 redirect there instead of 204.",
    tags: ["Auth"],
    access: "public",
    query: z.strictObject({
      next: LocalPath.optional().describe("Where to send the browser afterwards, e.g. /login"),
    }),
    body: RefreshRequest,
    bodyOptional: true,
    alsoAnswers: { 303: "Signed out; redirected to `next`" },
  }, async ({ ctx, services, user, body, query }) => {
    const token = body.refreshToken ?? readCookie(ctx.req, REFRESH_COOKIE);
    if (token) await revokeToken(services, token);
    else if (user) await endAllSessions(services, user.id);
    else if (!query.next) {
      throw new HttpError(401, "Send the refresh token (body or gp_refresh cookie) or an access token", {
        headers: { "WWW-Authenticate": 'Bearer realm="gridpulse"' },
      });
    }
    // A browser whose session already ended is still sent on: signing out twice is not an error to it.
    const headers = new Headers(query.next ? { Location: query.next } : undefined);
    for (const cookie of clearAuthCookies(isSecureRequest(ctx.req))) headers.append("Set-Cookie", cookie);
    return new Response(null, { status: query.next ? 303 : 204, headers });
  }),
});
