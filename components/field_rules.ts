/**
 * The browser-side rules of a form, from the API's zod schema through its JSON Schema (server only: zod
 * stays out of the island bundles). Constraints JSON Schema cannot express (one field after another,
 * one of two required) remain the server's, whose field errors the form shows.
 * @module
 */
import { z } from "zod";
import type { FieldRule } from "./form_rules.ts";

type JsonSchema = {
  type?: string;
  anyOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>;
  required?: string[];
} & Record<string, unknown>;

const KEYS = [
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
] as const;

function ruleOf(schema: JsonSchema, required: boolean): FieldRule {
  const options = schema.anyOf ?? [schema];
  const nullable = options.some((o) => o.type === "null");
  const main = options.find((o) => o.type !== "null") ?? {};
  const rule: FieldRule = { required, nullable, type: main.type as FieldRule["type"] };
  for (const key of KEYS) if (main[key] !== undefined) Object.assign(rule, { [key]: main[key] });
  return rule;
}

const cache = new WeakMap<z.ZodType, Record<string, FieldRule>>();

/** The rule of each top-level field of an object schema's input. */
export function rulesOf(schema: z.ZodType): Record<string, FieldRule> {
  const hit = cache.get(schema);
  if (hit) return hit;
  let json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  if (json.$ref) json = json.$defs![json.$ref.split("/").pop()!];
  const required = new Set(json.required ?? []);
  const rules = Object.fromEntries(
    Object.entries(json.properties ?? {}).map(([name, s]) => [name, ruleOf(s, required.has(name))]),
  );
  cache.set(schema, rules);
  return rules;
}
