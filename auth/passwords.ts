/**
 * Password hashing with bcrypt (a deliberately slow hash): cost {@linkcode BCRYPT_COST}.
 *
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from "./auth/passwords.ts";
 * const hash = await hashPassword("correct horse battery");
 * console.assert(await verifyPassword("correct horse battery", hash));
 * ```
 * @module
 */
import bcrypt from "bcryptjs";

/** bcrypt cost factor: 2^11 rounds, about 0.15 s per hash in bcryptjs on a current CPU. */
export const BCRYPT_COST = 11;

/** Hashes `password` with a fresh salt. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// A hash of a random password: checking an unknown username costs as much as a known one, so response
// times do not reveal which usernames exist. Made on first use, not at import.
let dummyHash: Promise<string> | undefined;

/** Whether `password` matches `hash`; with no hash (unknown user) it takes as long and answers false. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? await (dummyHash ??= hashPassword(crypto.randomUUID())));
  return ok && hash !== undefined;
}

/** A random password for the first admin: 20 characters from a 56-letter alphabet (~116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const out: string[] = [];
  // rejection sampling keeps every letter equally likely
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 224 && out.length < length) out.push(alphabet[byte % alphabet.length]);
    }
  }
  return out.join("");
}
