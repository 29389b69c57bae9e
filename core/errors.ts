/**
 * The error classes callers catch. Bad arguments are plain `TypeError`/`RangeError`; these exist
 * only where a caller must tell the case apart. The web layer maps them to HTTP in one place.
 * @module
 */

/** One problem with one field of an input. */
export interface FieldProblem {
  /** Dotted path of the field, e.g. `loads.0.usedKw`; empty for the whole input. */
  field: string;
  message: string;
}

/** Input that does not satisfy its schema; carries one entry per bad field. */
export class ValidationError extends Error {
  readonly problems: FieldProblem[];
  constructor(message: string, problems: FieldProblem[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "ValidationError";
    this.problems = problems;
  }
}

/** A configured store that cannot be reached (at start or while running). */
export class StoreUnavailableError extends Error {
  /** Which store, e.g. `postgres`, `redis`, `mongo`, `influx`, `mqtt`. */
  readonly store: string;
  constructor(store: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
    this.store = store;
  }
}

/** A write refused because a bounded buffer is full: the caller must slow down, nothing was lost. */
export class BackpressureError extends Error {
  readonly store: string;
  constructor(store: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackpressureError";
    this.store = store;
  }
}

/** Converts zod-style issues into {@linkcode FieldProblem}s. */
export function fieldProblems(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldProblem[] {
  return issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message }));
}
