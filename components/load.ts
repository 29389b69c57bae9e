/**
 * Page data that may fail: each part of a page is read through {@linkcode load}, so a store that is down
 * turns that part into an error state while the rest of the page renders (server only).
 * @module
 */
import type { Services } from "../core/services.ts";

/** A part of a page's data, or why it could not be read. */
export type Loaded<T> = { ok: true; value: T } | { ok: false; error: string };

/** The message a user sees for a failed read: which store, not a stack. */
export function describeFailure(error: unknown): string {
  const err = error as { name?: string; code?: string; message?: string; store?: string };
  if (err?.name === "StoreUnavailableError") return `The ${err.store} store is unavailable: ${err.message}`;
  if (err?.name === "PostgresError" || /^(ECONN|CONNECT|CONNECTION)/.test(err?.code ?? "")) {
    return `PostgreSQL is not answering (${err.code ?? err.message})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `The store did not answer: ${message.split("\n")[0].slice(0, 200)}`;
}

/** Runs `read`; a failure is logged and returned as a message instead of thrown. */
export async function load<T>(services: Services, what: string, read: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    services.log.warn("page data not loaded", { what, error });
    return { ok: false, error: describeFailure(error) };
  }
}

/** Page and page size from `?page=` (or `param`); anything malformed is page 1. */
export function pageOf(
  url: URL,
  pageSize = 25,
  param = "page",
): { page: number; pageSize: number; offset: number } {
  const raw = Number(url.searchParams.get(param) ?? "1");
  const page = Number.isInteger(raw) && raw >= 1 && raw <= 100_000 ? raw : 1;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** A query parameter when it is one of `allowed`, else undefined (filters never reach SQL unchecked). */
export function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const value = url.searchParams.get(name);
  return allowed.includes(value as T) ? value as T : undefined;
}

/** How far back a list looks, as `?hours=` offers it. */
export const AGES = { "24": "24 hours", "168": "7 days", "720": "30 days", "2160": "90 days" } as const;
/** One of {@linkcode AGES}. */
export type Age = keyof typeof AGES;

/** `?hours=` when it is one of {@linkcode AGES}, else a week. */
export function ageOf(url: URL): Age {
  return oneOf(url, "hours", Object.keys(AGES) as Age[]) ?? "168";
}
