/**
 * The first start: when there is no admin yet, create `admin` with `ADMIN_PASSWORD`, or with a generated
 * password printed once (it is stored only as a bcrypt hash, so it cannot be shown again). Demo users
 * seeded before it (operator, viewer) do not stop it: only an existing admin does.
 * @module
 */
import type { Services } from "../core/services.ts";
import { anyAdmin, insertUserIfAbsent } from "../stores/postgres/repos/users.ts";
import { generatePassword, hashPassword } from "./passwords.ts";

/** The username of the first administrator. */
export const ADMIN_USERNAME = "admin";

/** Options for {@linkcode ensureAdminUser}. */
export interface EnsureAdminOptions {
  /** Where the generated password is shown. @default {console.log} */
  print?: (text: string) => void;
}

/** What {@linkcode ensureAdminUser} did. */
export interface EnsureAdminResult {
  created: boolean;
  /** Present only when a password was generated (and printed). */
  generatedPassword?: string;
}

/**
 * Creates the `admin` user when no user has the admin role; does nothing otherwise (a changed
 * `ADMIN_PASSWORD` does not reset an existing admin). Safe when several instances start at once. When
 * the name `admin` is taken by a user of another role, nothing is created and a warning says so.
 *
 * @example
 * ```ts
 * import { ensureAdminUser } from "./auth/bootstrap.ts";
 * // await ensureAdminUser(services); // in main.ts, after migrations
 * ```
 */
export async function ensureAdminUser(
  services: Services,
  options: EnsureAdminOptions = {},
): Promise<EnsureAdminResult> {
  if (await anyAdmin(services.sql)) return { created: false };
  const configured = services.config.adminPassword;
  const password = configured ?? generatePassword();
  const created = await insertUserIfAbsent(services.sql, {
    username: ADMIN_USERNAME,
    passwordHash: await hashPassword(password),
    role: "admin",
  });
  if (!created) {
    services.log.warn("no admin user, and the name admin is taken by another role: promote a user to admin", {
      username: ADMIN_USERNAME,
    });
    return { created: false };
  }
  services.log.info("created the first admin user", { username: ADMIN_USERNAME, fromConfig: !!configured });
  if (configured) return { created: true };
  const print = options.print ?? console.log;
  print(
    [
      "",
      "  GridPulse created the first user.",
      `  username: ${ADMIN_USERNAME}`,
      `  password: ${password}`,
      "  It is shown only this once: sign in and change it (PATCH /api/users/{id}), or set ADMIN_PASSWORD",
      "  before the first start next time.",
      "",
    ].join("\n"),
  );
  return { created: true, generatedPassword: password };
}
