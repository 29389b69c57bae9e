/**
 * The application's errors as HTTP, in one place: `mapError` is given to `new App({ mapError })` and
 * the web layer renders what it returns as `application/problem+json`. Bad input is a 4xx naming the
 * field; a store that is down is a 503 with `Retry-After`; anything unknown stays a 500 (logged, never
 * shown).
 *
 * @example
 * ```ts
 * import { App } from "fresh";
 * import { mapError } from "./api/errors.ts";
 * const app = new App({ mapError });
 * ```
 * @module
 */
import { HttpError } from "fresh";
import { BackpressureError, StoreUnavailableError, ValidationError } from "../core/errors.ts";
import { LoginThrottledError } from "../auth/login.ts";
import { TokenError } from "../auth/tokens.ts";
import { camel } from "../stores/postgres/repos/crud.ts";

/** The fields of a postgres.js server error that the mapping reads. */
interface PgError {
  code: string;
  detail?: string;
  column_name?: string;
  table_name?: string;
  constraint_name?: string;
  message: string;
}

/** Connection-level failures postgres.js reports with a code of its own. */
const PG_CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "57P01", // admin shutdown
  "57P03", // cannot connect now
  "53300", // too many connections
]);

function isPgError(err: unknown): err is PgError {
  if (!(err instanceof Error)) return false;
  const code = (err as Partial<PgError>).code;
  return typeof code === "string" && (err.name === "PostgresError" || PG_CONNECTION_CODES.has(code));
}

/** The columns of a `Key (a, b)=(...)` detail, as API field names. */
function keyFields(detail: string | undefined): string[] {
  const match = /Key \(([^)]+)\)=/.exec(detail ?? "");
  return match ? match[1].split(",").map((c) => camel(c.trim())) : [];
}

function fieldError(
  status: 400 | 409 | 422,
  message: string,
  fields: string[],
  problem: string,
  cause: unknown,
) {
  return new HttpError(status, message, {
    cause,
    extra: { errors: fields.map((field) => ({ field, message: problem })) },
  });
}

/** A PostgreSQL error caused by the request's data, as a 4xx; connection failures as a 503. */
function mapPgError(err: PgError): HttpError | undefined {
  if (PG_CONNECTION_CODES.has(err.code)) {
    return new HttpError(503, "The database is unavailable; try again shortly", {
      cause: err,
      headers: { "Retry-After": "5" },
    });
  }
  switch (err.code) {
    case "23505": {
      const fields = keyFields(err.detail);
      return fieldError(
        409,
        `Already exists: ${fields.join(", ") || "a unique value"} is taken`,
        fields,
        "is already taken",
        err,
      );
    }
    case "23503": {
      const fields = keyFields(err.detail);
      if (/is still referenced/.test(err.detail ?? "")) {
        return new HttpError(409, "Still referenced by other records; delete or move them first", {
          cause: err,
        });
      }
      const table = /in table "([^"]+)"/.exec(err.detail ?? "")?.[1] ?? "record";
      return fieldError(
        422,
        `Refers to a ${table} row that does not exist`,
        fields,
        `refers to no existing ${table} row`,
        err,
      );
    }
    case "23502":
      return fieldError(
        400,
        `${camel(err.column_name ?? "a field")} is required`,
        [camel(err.column_name ?? "")],
        "is required",
        err,
      );
    case "23514":
    case "23P01":
      return new HttpError(422, `The values break the rule ${err.constraint_name ?? "of the table"}`, {
        cause: err,
      });
    case "22021": // invalid byte sequence: a text value holds U+0000
    case "22P05": // untranslatable character: a JSON value holds \u0000
      return new HttpError(400, "Invalid value: a text holds U+0000 (NUL), which cannot be stored", {
        cause: err,
      });
    case "22P02":
    case "22003":
    case "22007":
    case "22008":
    case "22023":
      return new HttpError(400, `Invalid value: ${err.message}`, { cause: err });
    case "57014":
      return new HttpError(503, "The query took too long; narrow it down", { cause: err });
    default:
      return undefined;
  }
}

/** Maps GridPulse's errors to {@linkcode HttpError}s; `undefined` for anything else (a 500). */
export function mapError(err: unknown): HttpError | undefined {
  if (err instanceof ValidationError) {
    return new HttpError(400, err.message, { cause: err, extra: { errors: err.problems } });
  }
  if (err instanceof TokenError) {
    return new HttpError(401, err.message, { cause: err, headers: { "WWW-Authenticate": "Bearer" } });
  }
  if (err instanceof LoginThrottledError) {
    return new HttpError(429, err.message, {
      cause: err,
      headers: { "Retry-After": String(err.retryAfterSeconds) },
    });
  }
  if (err instanceof BackpressureError) {
    return new HttpError(503, `The ${err.store} store is busy; retry shortly`, {
      cause: err,
      headers: { "Retry-After": "1" },
    });
  }
  if (err instanceof StoreUnavailableError) {
    return new HttpError(503, `The ${err.store} store is unavailable`, {
      cause: err,
      headers: { "Retry-After": "5" },
    });
  }
  if (isPgError(err)) return mapPgError(err);
  return undefined;
}
