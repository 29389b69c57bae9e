/**
 * Who sent a request: the access token from `Authorization: Bearer` (API clients) or from the
 * `gp_access` cookie (the pages). Used by the API middleware and by the page middleware alike.
 *
 * @example
 * ```ts
 * import { authenticate } from "./auth/authenticate.ts";
 * // const { user, error } = await authenticate(services, req);
 * ```
 * @module
 */
import type { Services } from "../core/services.ts";
import { ACCESS_COOKIE, readCookie } from "./cookies.ts";
import { type AuthUser, TokenError, verifyAccessToken } from "./tokens.ts";

/** The outcome of {@linkcode authenticate}: a user, or why there is none. */
export interface Authentication {
  user?: AuthUser;
  /** How the token came: cookies need a cross-site check on writes, bearer tokens do not. */
  via?: "bearer" | "cookie";
  /** Why a token that was sent was refused. */
  error?: string;
}

/** Reads and verifies the request's access token; never throws for a bad token. */
export async function authenticate(services: Services, req: Request): Promise<Authentication> {
  const header = req.headers.get("authorization");
  let token: string | undefined;
  let via: Authentication["via"];
  if (header !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return { error: "Authorization header must be: Bearer <access token>" };
    [token, via] = [match[1], "bearer"];
  } else {
    token = readCookie(req, ACCESS_COOKIE);
    via = token ? "cookie" : undefined;
  }
  if (!token) return {};
  try {
    return { user: await verifyAccessToken(services, token), via };
  } catch (error) {
    if (error instanceof TokenError) return { error: error.message, via };
    throw error;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a cookie-authenticated request may change state: browsers attach cookies to cross-site
 * requests too, so a write must come from our own origin (SameSite=Lax already stops most; this also
 * covers same-site subdomains). Requests without an `Origin` header are not from a browser form.
 */
export function sameOriginWrite(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const origin = req.headers.get("origin");
  if (origin === null) return true;
  const url = new URL(req.url);
  const forwardedHost = req.headers.get("x-forwarded-host");
  return origin === url.origin || (forwardedHost !== null && new URL(origin).host === forwardedHost);
}
