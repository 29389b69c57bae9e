/**
 * Request input through zod: query strings, path parameters and JSON bodies, with messages written
 * for API clients ("must be at most 500", "is not a known field") and one {@linkcode FieldProblem} per
 * bad field. Everything here throws {@linkcode ValidationError}; `errors.ts` turns it into a 400.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseInput, queryObject } from "./api/validate.ts";
 * const q = parseInput(z.strictObject({ page: z.coerce.number() }), queryObject(new URL("http://x/?page=2")), "query");
 * ```
 * @module
 */
import { z } from "zod";
import { type FieldProblem, ValidationError } from "../core/errors.ts";

/** Where an input came from, for messages. */
export type InputSource = "path" | "query" | "body";

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  int: "a whole number",
  nan: "a number",
};

/** zod issue -> message, used where a schema gives none of its own. */
function apiMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "too_big": {
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}${unit}`;
    }
    case "too_small": {
      if (issue.origin === "string" && issue.minimum === 1) return "must not be empty";
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return `must be ${issue.inclusive === false ? "greater than" : "at least"} ${issue.minimum}${unit}`;
    }
    case "invalid_value":
      return `must be one of: ${issue.values.map(String).join(", ")}`;
    case "invalid_format":
      return issue.format === "guid" || issue.format === "uuid"
        ? "must be a UUID"
        : issue.format === "datetime"
        ? "must be an ISO 8601 date-time with Z or an offset"
        : `must be a valid ${issue.format}`;
    case "invalid_union":
      return "has an invalid value";
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
}

/** Turns zod issues into field problems: one per unknown key, dotted paths. */
export function problemsOf(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ field: path ? `${path}.${key}` : key, message: "is not a known field" });
      }
    } else {
      out.push({ field: path, message: issue.message });
    }
  }
  return out;
}

/**
 * Parses `data` with `schema`.
 *
 * @throws {ValidationError} naming each bad field.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, source: InputSource): z.output<S> {
  const result = schema.safeParse(data, { error: apiMessage });
  if (result.success) return result.data;
  const problems = problemsOf(result.error.issues);
  const summary = problems.map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join("; ");
  throw new ValidationError(
    `Invalid ${source === "path" ? "path parameter" : source}: ${summary}`,
    problems,
    {
      cause: result.error,
    },
  );
}

/** The query string as an object; a repeated key becomes an array. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** Largest JSON body accepted. */
export const MAX_BODY_BYTES = 1_048_576;

/**
 * The request's JSON body; `undefined` when it has none.
 *
 * @throws {ValidationError} when it is not JSON, or too large.
 */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return undefined;
  if (text.length > MAX_BODY_BYTES) {
    throw new ValidationError(`Invalid body: larger than ${MAX_BODY_BYTES} bytes`, [
      { field: "", message: `must be at most ${MAX_BODY_BYTES} bytes` },
    ]);
  }
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ValidationError("Invalid body: send JSON with Content-Type: application/json", [
      { field: "", message: "must be application/json" },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError("Invalid body: not valid JSON", [{ field: "", message: "is not valid JSON" }], {
      cause: error,
    });
  }
}
