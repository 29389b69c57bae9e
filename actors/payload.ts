/**
 * Telemetry payload text, for every kind's decoder and for dead letters. PostgreSQL `text` and `jsonb`
 * cannot hold U+0000: one accepted string carrying it (a VEN load type, a meter unit, status details)
 * made every group commit it joined fail, and one rejected payload carrying it (firmware sending a C
 * string's terminator) made its dead letter unstorable. Either way the batch was retried forever and
 * the PUBACKs of every message behind it on the worker's sessions never left: ingestion stopped. So a
 * payload whose JSON strings hold U+0000 is refused with a reason, and dead-letter text has U+0000
 * replaced by U+FFFD before it is stored.
 * @module
 */
import type { Decoded } from "./kind.ts";

const decoder = new TextDecoder();

/** A `\u0000` escape that is not itself an escaped backslash followed by `u0000` (odd run of `\`). */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** The reason a payload whose strings hold U+0000 is refused with. */
export const NUL_REASON = "invalid payload: a string holds U+0000 (\\u0000), which PostgreSQL cannot store";

/** Decodes a payload as UTF-8 JSON; a failure carries the reason for the dead letter. */
export function parseJsonPayload(payload: Uint8Array): Decoded<unknown> {
  const text = decoder.decode(payload);
  // `includes` first: the regular expression runs only for the rare payload with a `\u` escape at all
  if (text.includes("\\u0000") && NUL_ESCAPE.test(text)) return { ok: false, reason: NUL_REASON };
  try {
    return { ok: true, message: JSON.parse(text) };
  } catch (error) {
    // a raw NUL byte makes invalid JSON; V8's message may quote it
    return {
      ok: false,
      reason: storableText(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
}

/** `text` with every U+0000 replaced by U+FFFD, so PostgreSQL can store it. */
export function storableText(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "\uFFFD") : text;
}

/** The start of a rejected payload as text for its dead letter (at most `limit` bytes, storable). */
export function deadLetterText(payload: Uint8Array, limit: number): string {
  return storableText(decoder.decode(payload.subarray(0, limit)));
}
