/**
 * Users, roles and the token exchange of the API (seed 003): `viewer` reads, `operator` also writes
 * operational data and handles alerts, `admin` also manages users.
 * @module
 */
import { z } from "zod";
import { DateTime, Uuid } from "./common.ts";

/** How long an access token (JWT) is valid: 15 minutes. */
export const ACCESS_TOKEN_TTL_S = 15 * 60;

/** Roles, from least to most privileged. */
export const ROLES = ["viewer", "operator", "admin"] as const;
/** One of {@linkcode ROLES}. */
export type Role = typeof ROLES[number];

/** Whether `role` includes everything `required` may do. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

const USERNAME = /^[A-Za-z0-9_.@-]{3,100}$/;
const encoder = new TextEncoder();

/** A password: 8 characters or more, at most 72 bytes (bcrypt ignores the rest). */
export const Password = z.string().min(8, "must be at least 8 characters").refine(
  (p) => encoder.encode(p).length <= 72,
  "must be at most 72 bytes",
);

/** A user as the API returns it (never the password hash). */
export const User = z.object({
  id: Uuid,
  username: z.string(),
  role: z.enum(ROLES),
  active: z.boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
  lastLoginAt: DateTime.nullable(),
}).meta({ id: "User" });

/** The body that creates a user. */
export const UserInput = z.strictObject({
  username: z.string().regex(USERNAME, "must be 3-100 of A-Z a-z 0-9 _ . @ -"),
  password: Password,
  role: z.enum(ROLES),
  active: z.boolean().optional(),
}).meta({ id: "UserInput" });

/** The body that changes a user. */
export const UserPatch = z.strictObject({
  password: Password.optional(),
  role: z.enum(ROLES).optional(),
  active: z.boolean().optional(),
}).meta({ id: "UserPatch" });

/** `POST /api/auth/token`. */
export const TokenRequest = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
}).meta({ id: "TokenRequest" });

/** `POST /api/auth/token/refresh` and `/api/auth/logout`: the refresh token, unless sent as the cookie. */
export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(20).max(200).optional().describe("Default: the gp_refresh cookie"),
}).meta({ id: "RefreshRequest" });

/** The tokens of a login or refresh. */
export const TokenResponse = z.object({
  accessToken: z.string().describe("JWT (HS256); send as Authorization: Bearer"),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().describe("Seconds until the access token expires"),
  refreshToken: z.string().describe("Opaque; exchange at /api/auth/token/refresh, single use"),
  refreshExpiresIn: z.number().int(),
  user: z.object({ id: Uuid, username: z.string(), role: z.enum(ROLES) }),
}).meta({ id: "TokenResponse" });
