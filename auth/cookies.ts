/**
 * The auth cookies the pages use: `gp_access` (the access JWT, sent with every request) and
 * `gp_refresh` (the refresh token, sent only to `/api/auth/`). Both httpOnly and SameSite=Lax, and
 * Secure when the request came over HTTPS.
 *
 * @example
 * ```ts
 * import { authCookies, readCookie } from "./auth/cookies.ts";
 * const headers = new Headers();
 * for (const c of authCookies({ accessToken: "a", refreshToken: "r", expiresIn: 900, refreshExpiresIn: 60 }, true)) {
 *   headers.append("Set-Cookie", c);
 * }
 * ```
 * @module
 */

/** The access-token cookie. */
export const ACCESS_COOKIE = "gp_access";
/** The refresh-token cookie. */
export const REFRESH_COOKIE = "gp_refresh";
/** Where the refresh cookie is sent. */
export const REFRESH_COOKIE_PATH = "/api/auth";

function cookie(name: string, value: string, path: string, maxAge: number, secure: boolean): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${
    secure ? "; Secure" : ""
  }`;
}

/** `Set-Cookie` values that store the tokens of a login or refresh. */
export function authCookies(
  tokens: { accessToken: string; refreshToken: string; expiresIn: number; refreshExpiresIn: number },
  secure: boolean,
): string[] {
  return [
    cookie(ACCESS_COOKIE, tokens.accessToken, "/", tokens.expiresIn, secure),
    cookie(REFRESH_COOKIE, tokens.refreshToken, REFRESH_COOKIE_PATH, tokens.refreshExpiresIn, secure),
  ];
}

/** `Set-Cookie` values that delete both cookies (logout). */
export function clearAuthCookies(secure: boolean): string[] {
  return [
    cookie(ACCESS_COOKIE, "", "/", 0, secure),
    cookie(REFRESH_COOKIE, "", REFRESH_COOKIE_PATH, 0, secure),
  ];
}

/** The value of cookie `name` in the request, if any. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the request reached us over HTTPS (directly or through a proxy that says so). */
export function isSecureRequest(req: Request): boolean {
  return new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}
