/**
 * Stable ids for seeded rows: UUIDv5-style (SHA-1 of a namespace and a natural key), so seeding twice
 * gives every portfolio, site, plant or VEN the same id, and the simulator and tests can find them.
 *
 * @example
 * ```ts
 * import { stableId, SEED_NAMESPACE } from "./population/ids.ts";
 * console.log(stableId(SEED_NAMESPACE, "plant", "Helios Solar Park"));
 * ```
 * @module
 */
import { createHash } from "node:crypto";

/** The namespace of GridPulse's demo data (a fixed random UUID). */
export const SEED_NAMESPACE = "6f1c2b1e-3d4a-4f5b-9c8d-7e6f5a4b3c2d";

/** A UUIDv5 (RFC 9562) of `namespace` and the natural key `parts` joined with "/". */
export function stableId(namespace: string, ...parts: (string | number)[]): string {
  const ns = namespace.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(ns)) throw new TypeError(`namespace must be a UUID, got ${namespace}`);
  const hash = createHash("sha1").update(Buffer.from(ns, "hex")).update(parts.join("/")).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A deterministic pseudo-random generator in [0, 1) seeded by a string (mulberry32). */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
