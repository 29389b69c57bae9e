const BRAND = Symbol.for("preact-signals");

/**
 * Whether `value` is a @preact/signals signal (computed ones too). Checks the brand the
 * library puts on every signal, so no import of the library is needed.
 */
export function isSignal(value: unknown): value is { peek(): unknown; value: unknown } {
  return typeof value === "object" && value !== null && (value as { brand?: unknown }).brand === BRAND;
}
