/** `POST /api/auth/token`: sign in with username and password. */
import { login } from "../../../auth/login.ts";
import { authCookies, isSecureRequest } from "../../../auth/cookies.ts";
import { TokenRequest, TokenResponse } from "../../../domain/user.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  POST: operation({
    summary: "Sign in: get an access token and a refresh token",
    description: "The access token (JWT, 15 min) goes in `Authorization: Bearer`. Both tokens are also set " +
      "as httpOnly cookies (`gp_access`, `gp_refresh`) for browsers. Repeated failures for a username from " +
      "one address are refused with 429 and `Retry-After`.",
    tags: ["Auth"],
    access: "public",
    body: TokenRequest,
    response: TokenResponse,
    problems: [429],
  }, async ({ ctx, services, body }) => {
    const address = (ctx.info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "local";
    const tokens = await login(services, { ...body, address });
    const headers = new Headers({ "Content-Type": "application/json" });
    for (const cookie of authCookies(tokens, isSecureRequest(ctx.req))) headers.append("Set-Cookie", cookie);
    return new Response(JSON.stringify(tokens), { status: 200, headers });
  }),
});
