/**
 * Access and refresh tokens. The access token is a short-lived JWT (HS256, {@linkcode ACCESS_TTL_S})
 * checked without a database round trip, naming its session (`sid`): a session ended by logout (or by a
 * reuse, a password, role or deactivation change) refuses it at once (sessions.ts). The refresh token is
 * an opaque random string, stored as its SHA-256 hash, single use (rotated on every refresh, reuse
 * revokes the user's tokens) and revoked by logout. The signing secret is `JWT_SECRET`, or one generated
 * on first start and kept in the `settings` table so that tokens survive restarts and work on every
 * instance.
 *
 * @example
 * ```ts
 * import { issueTokens, verifyAccessToken } from "./auth/tokens.ts";
 * // const tokens = await issueTokens(services, { id, username: "ada", role: "operator" });
 * // const user = await verifyAccessToken(services, tokens.accessToken);
 * ```
 * @module
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Services } from "../core/services.ts";
import { ACCESS_TOKEN_TTL_S, type Role, ROLES } from "../domain/user.ts";
import { getOrCreateSetting } from "../stores/postgres/repos/settings.ts";
import {
  insertRefreshToken,
  redeemRefreshToken,
  revokeRefreshToken,
  revokeUserTokens,
} from "../stores/postgres/repos/refresh_tokens.ts";
import { userById } from "../stores/postgres/repos/users.ts";
import { sessionEnded, sessionsEnded } from "./sessions.ts";

/** Access token lifetime: 15 minutes. */
export const ACCESS_TTL_S = ACCESS_TOKEN_TTL_S;
/** Refresh token lifetime: 14 days. */
export const REFRESH_TTL_S = 14 * 86_400;

const ISSUER = "gridpulse";
const AUDIENCE = "gridpulse-api";

/** Who a valid access token speaks for. */
export interface AuthUser {
  id: string;
  username: string;
  role: Role;
}

/** The tokens handed out by login and refresh. */
export interface IssuedTokens {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: AuthUser;
}

/** Why a token was refused; the message is safe to show. */
export class TokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TokenError";
  }
}

const keys = new WeakMap<Services, Promise<Uint8Array>>();

/** The HS256 key of these services, loaded (or generated and stored) once. */
export function signingKey(services: Services): Promise<Uint8Array> {
  let key = keys.get(services);
  if (!key) {
    key = loadKey(services);
    keys.set(services, key);
    key.catch(() => keys.delete(services)); // a database hiccup must not poison the cache
  }
  return key;
}

async function loadKey(services: Services): Promise<Uint8Array> {
  if (services.config.jwtSecret) return new TextEncoder().encode(services.config.jwtSecret);
  const secret = await getOrCreateSetting(services.sql, "auth.jwt_secret", () => randomToken(48));
  return new TextEncoder().encode(secret);
}

/** A random base64url string of `bytes` random bytes. */
export function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Hex SHA-256 of a refresh token: what the database stores. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Signs an access token for `user`, of the session `sessionId` (tokens without one, as tests and the
 * bench sign, end only when they expire).
 */
export async function signAccessToken(
  services: Services,
  user: AuthUser,
  sessionId?: string,
): Promise<string> {
  const claims: Record<string, string> = { name: user.username, role: user.role };
  if (sessionId) claims.sid = sessionId;
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TTL_S}s`)
    .sign(await signingKey(services));
}

/** Verified access tokens kept per services: the most a cache holds before it drops its oldest. */
export const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Access tokens already verified, with their user, session and expiry (epoch ms). A signature that
 * verified once need not be checked again until `exp`: under API load the HMAC verification with its key
 * import was 20% of the server's CPU. Whether the session has ended is still asked on every use. Bounded;
 * insertion order is age order.
 */
interface Verified {
  user: AuthUser;
  sessionId?: string;
  expMs: number;
}
const verified = new WeakMap<Services, Map<string, Verified>>();

function cached(services: Services, token: string): Verified | undefined {
  const entry = verified.get(services)?.get(token);
  if (!entry) return undefined;
  if (Date.now() < entry.expMs) return entry;
  verified.get(services)?.delete(token);
  return undefined;
}

function remember(services: Services, token: string, entry: Verified): void {
  let cache = verified.get(services);
  if (!cache) verified.set(services, cache = new Map());
  if (cache.size >= VERIFIED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(token, entry);
}

/**
 * The user an access token speaks for.
 *
 * @throws {TokenError} when it is malformed, forged, expired, not one of ours, or its session has ended.
 */
export async function verifyAccessToken(services: Services, token: string): Promise<AuthUser> {
  const entry = cached(services, token) ?? await verifySignature(services, token);
  if (entry.sessionId !== undefined && await sessionEnded(services, entry.sessionId)) {
    throw new TokenError("Access token's session has ended (signed out)");
  }
  return { ...entry.user };
}

async function verifySignature(services: Services, token: string): Promise<Verified> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(services), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    const role = payload.role as Role;
    if (typeof payload.sub !== "string" || typeof payload.name !== "string" || !ROLES.includes(role)) {
      throw new TokenError("Access token is missing its subject or role");
    }
    if (payload.sid !== undefined && typeof payload.sid !== "string") {
      throw new TokenError("Access token has an invalid session");
    }
    const entry: Verified = {
      user: { id: payload.sub, username: payload.name, role },
      sessionId: payload.sid,
      expMs: (payload.exp ?? 0) * 1000,
    };
    if (payload.exp !== undefined) remember(services, token, entry);
    return entry;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) {
      throw new TokenError("Access token expired", { cause: error });
    }
    throw new TokenError("Access token is invalid", { cause: error });
  }
}

/** Issues an access token and a new refresh token for `user` (a login). */
export async function issueTokens(services: Services, user: AuthUser): Promise<IssuedTokens> {
  const refreshToken = randomToken();
  const { sessionId } = await insertRefreshToken(services.sql, {
    userId: user.id,
    tokenHash: await hashToken(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TTL_S * 1000),
  });
  return tokens(await signAccessToken(services, user, sessionId), refreshToken, user);
}

function tokens(accessToken: string, refreshToken: string, user: AuthUser): IssuedTokens {
  return {
    accessToken,
    tokenType: "Bearer",
    expiresIn: ACCESS_TTL_S,
    refreshToken,
    refreshExpiresIn: REFRESH_TTL_S,
    user,
  };
}

/**
 * Exchanges a refresh token for new tokens, rotating it; the user's current role and state apply.
 *
 * @throws {TokenError} when the token is unknown, expired, revoked or reused (which revokes every token
 * of the user), or the user is gone or inactive.
 */
export async function refreshTokens(services: Services, refreshToken: string): Promise<IssuedTokens> {
  const next = randomToken();
  const result = await redeemRefreshToken(services.sql, await hashToken(refreshToken), {
    tokenHash: await hashToken(next),
    expiresAt: new Date(Date.now() + REFRESH_TTL_S * 1000),
  });
  if (result.outcome === "reused") {
    sessionsEnded(services, result.endedSessions);
    services.log.warn("refresh token reused: every session of the user revoked", { userId: result.userId });
    throw new TokenError("Refresh token was already used; sign in again");
  }
  if (result.outcome !== "rotated") throw new TokenError(`Refresh token is ${result.outcome}`);
  const user = await userById(services.sql, result.userId);
  if (!user || !user.active) throw new TokenError("User is no longer active");
  const authUser: AuthUser = { id: user.id, username: user.username, role: user.role as Role };
  return tokens(await signAccessToken(services, authUser, result.sessionId), next, authUser);
}

/**
 * Revokes a refresh token and ends its session, access tokens included (logout); returns its user id, or
 * undefined when it was unknown.
 */
export async function revokeToken(services: Services, refreshToken: string): Promise<string | undefined> {
  const revoked = await revokeRefreshToken(services.sql, await hashToken(refreshToken));
  if (revoked) sessionsEnded(services, [revoked.sessionId]);
  return revoked?.userId;
}

/** Ends every session of `userId`, access tokens included ("sign out everywhere"). */
export async function endAllSessions(services: Services, userId: string): Promise<void> {
  sessionsEnded(services, await revokeUserTokens(services.sql, userId));
}
