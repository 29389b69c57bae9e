/** `POST /api/auth/token/refresh`: exchange a refresh token for new tokens (it is single use). */
import { HttpError } from "fresh";
import { authCookies, isSecureRequest, readCookie, REFRESH_COOKIE } from "../../../../auth/cookies.ts";
import { refreshTokens } from "../../../../auth/tokens.ts";
import { RefreshRequest, TokenResponse } from "../../../../domain/user.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  POST: operation({
    summary: "Refresh: exchange the refresh token for a new pair",
    description:
      "The refresh token comes from the body or the `gp_refresh` cookie. It is rotated: the old one " +
      "stops working, and presenting it again revokes every session of the user.",
    tags: ["Auth"],
    access: "public",
    body: RefreshRequest,
    bodyOptional: true,
    response: TokenResponse,
  }, async ({ ctx, services, body }) => {
    const token = body.refreshToken ?? readCookie(ctx.req, REFRESH_COOKIE);
    if (!token) {
      throw new HttpError(401, "Send the refresh token in the body or the gp_refresh cookie", {
        headers: { "WWW-Authenticate": 'Bearer realm="gridpulse"' },
      });
    }
    const tokens = await refreshTokens(services, token);
    const headers = new Headers({ "Content-Type": "application/json" });
    for (const cookie of authCookies(tokens, isSecureRequest(ctx.req))) headers.append("Set-Cookie", cookie);
    return new Response(JSON.stringify(tokens), { status: 200, headers });
  }),
});
