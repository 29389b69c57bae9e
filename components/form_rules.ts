/**
 * What a form knows about its fields, browser-safe: how inputs become a JSON body, and the rules each
 * body field must satisfy. The rules come from the API's own zod schema (see `field_rules.ts`), so the
 * browser checks what the server checks without shipping zod; messages read like the API's.
 * @module
 */

/** One input of a form. */
export interface FieldSpec {
  /** The body field, camelCase. */
  name: string;
  label: string;
  kind: "text" | "number" | "select" | "datetime" | "checkbox" | "list";
  /** `[value, label]` choices of a select; `""` is "none". */
  options?: [string, string][];
  hint?: string;
  /** An empty input is sent as null (clears the field) rather than left out. */
  nullable?: boolean;
  step?: string;
  placeholder?: string;
}

/** What a body field must be (a JSON Schema subset). */
export interface FieldRule {
  required: boolean;
  nullable: boolean;
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** One field error, as the API's problem responses carry them. */
export interface FieldError {
  field: string;
  message: string;
}

/** Input values: strings, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

/** The JSON body from the inputs: numbers, lists, UTC date-times; empty inputs left out or null. */
export function toBody(fields: FieldSpec[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === "checkbox") {
      body[f.name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (f.nullable) body[f.name] = null;
      continue;
    }
    if (f.kind === "number") body[f.name] = Number(text);
    else if (f.kind === "list") body[f.name] = text.split(",").map((s) => s.trim()).filter(Boolean);
    // datetime-local has no zone: the pages show and take UTC
    else if (f.kind === "datetime") body[f.name] = `${text.length === 16 ? `${text}:00` : text}Z`;
    else body[f.name] = text;
  }
  return body;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function numberProblem(rule: FieldRule, value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
  if (rule.type === "integer" && !Number.isInteger(value)) return "must be a whole number";
  if (rule.exclusiveMinimum !== undefined && value <= rule.exclusiveMinimum) {
    return `must be greater than ${rule.exclusiveMinimum}`;
  }
  if (rule.minimum !== undefined && value < rule.minimum) return `must be at least ${rule.minimum}`;
  if (rule.exclusiveMaximum !== undefined && value >= rule.exclusiveMaximum) {
    return `must be less than ${rule.exclusiveMaximum}`;
  }
  if (rule.maximum !== undefined && value > rule.maximum) return `must be at most ${rule.maximum}`;
}

function stringProblem(rule: FieldRule, value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a string";
  if (rule.enum && !rule.enum.includes(value)) return `must be one of: ${rule.enum.join(", ")}`;
  if (rule.minLength !== undefined && value.length < rule.minLength) {
    return rule.minLength === 1 ? "must not be empty" : `must be at least ${rule.minLength} characters`;
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    return `must be at most ${rule.maxLength} characters`;
  }
  if (rule.format === "uuid" && !UUID.test(value)) return "must be a UUID";
  if (rule.format === "date-time" && Number.isNaN(Date.parse(value))) {
    return "must be an ISO 8601 date-time with Z or an offset";
  }
  if (rule.pattern && !new RegExp(rule.pattern).test(value)) return "has an invalid format";
}

/** The problem with one value, if any. */
export function fieldProblem(rule: FieldRule, value: unknown): string | undefined {
  if (value === undefined) return rule.required ? "is required" : undefined;
  if (value === null) return rule.nullable ? undefined : "is required";
  switch (rule.type) {
    case "number":
    case "integer":
      return numberProblem(rule, value);
    case "string":
      return stringProblem(rule, value);
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "array":
      return Array.isArray(value) ? undefined : "must be an array";
    default:
      return undefined;
  }
}

/** Every field error of `body` under `rules`; with `partial` (an update) nothing is required. */
export function checkFields(
  rules: Record<string, FieldRule>,
  body: Record<string, unknown>,
  options: { partial?: boolean } = {},
): FieldError[] {
  const out: FieldError[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const message = fieldProblem(options.partial ? { ...rule, required: false } : rule, body[field]);
    if (message) out.push({ field, message });
  }
  return out;
}
