/**
 * The OpenAPI 3.1 document, generated from the route modules' operation declarations: the same zod
 * schemas the handlers validate with become JSON Schema 2020-12 (OpenAPI 3.1's dialect) through
 * `z.toJSONSchema`. Schemas with an `id` (`.meta({ id })`) become `components/schemas`; request bodies
 * and query parameters use the input side of a schema, responses the output side.
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./api/openapi.ts";
 * const doc = await openApiDocument();
 * console.log(Object.keys(doc.paths).length);
 * ```
 * @module
 */
import { z } from "zod";
import { apiRoutes } from "./api_routes.ts";
import type { OperationSpec } from "./operation.ts";

type Json = Record<string, unknown>;

/** The body of every error response (RFC 9457). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional()
    .describe("One entry per bad field of a 4xx"),
}).meta({ id: "Problem", description: "An error, as application/problem+json" });

/** The API's version, as the document states it. */
export const API_VERSION = "1.0.0";

/** Rewrites `#/$defs/X` references to the component each `X` was placed under. */
function rewriteRefs(node: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, names));
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" && value.startsWith("#/$defs/")
      ? `#/components/schemas/${names.get(value.slice(8)) ?? value.slice(8)}`
      : rewriteRefs(value, names);
  }
  return out;
}

/** Collects component schemas while operations are converted. */
class Components {
  readonly schemas: Record<string, Json> = {};

  /**
   * The JSON Schema of `schema` with its named parts moved to components. A name keeps the output
   * side of its schema; an input side that differs (defaults make fields optional) is `{id}Input`.
   *
   * @throws {Error} when two different output schemas share an id.
   */
  convert(schema: z.ZodType, io: "input" | "output"): Json {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: "any",
      // the generated regexes of formats (uuid, date-time) say nothing the format does not
      override: ({ jsonSchema }) => {
        if ((jsonSchema as Json).format) delete (jsonSchema as Json).pattern;
      },
    }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    const names = new Map(Object.keys(defs).map((id) => [id, id]));
    const same = (id: string) =>
      JSON.stringify(this.schemas[names.get(id)!]) === JSON.stringify(rewriteRefs(defs[id], names));
    // renaming one def changes the refs of those that point at it: repeat until nothing moves
    for (let moved = true; moved;) {
      moved = false;
      for (const id of names.keys()) {
        if (names.get(id) !== id || !this.schemas[id] || same(id)) continue;
        if (io === "output") throw new Error(`Two different schemas are both named ${id}`);
        names.set(id, `${id}Input`);
        moved = true;
      }
    }
    for (const id of names.keys()) this.schemas[names.get(id)!] ??= rewriteRefs(defs[id], names) as Json;
    return rewriteRefs(json, names) as Json;
  }
}

function parameters(components: Components, schema: z.ZodType | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const json = components.convert(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function operationId(method: string, path: string): string {
  const words = path.split("/").filter((s) => s && s !== "api").map((s) =>
    s.startsWith("{") ? `By-${s.slice(1, -1)}` : s
  );
  const pascal = words.join("-").split(/[-_]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1));
  return method.toLowerCase() + pascal.join("");
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };
const SUCCESS: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content" };
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Bad input: the problem names each bad field",
  401: "No valid access token",
  403: "The signed-in role may not do this",
  404: "No such entity",
  409: "Conflicts with the current state or an existing entity",
  422: "Refers to an entity that does not exist",
  429: "Too many attempts; see Retry-After",
  503: "A store is unavailable; see Retry-After",
};

function responses(components: Components, spec: OperationSpec): Json {
  const out: Json = {};
  const status = spec.status ?? (spec.response || spec.produces ? 200 : 204);
  if (spec.response) {
    out[status] = {
      description: SUCCESS[status],
      content: { "application/json": { schema: components.convert(spec.response, "output") } },
    };
  } else if (spec.produces) {
    out[status] = {
      description: SUCCESS[status],
      content: {
        [spec.produces]: { schema: { type: spec.produces.endsWith("json") ? "object" : "string" } },
      },
    };
  } else {
    out[status] = { description: SUCCESS[status] };
  }
  for (const [code, description] of Object.entries(spec.alsoAnswers ?? {})) {
    out[code] = { ...(out[status] as Json), description };
  }
  const problems = new Set([
    400,
    ...(spec.access === "public" ? [] : [401, 403]),
    ...(spec.problems ?? []),
    503,
  ]);
  for (const code of [...problems].sort()) {
    if (out[code]) continue;
    out[code] = {
      description: PROBLEM_DESCRIPTIONS[code],
      content: { "application/problem+json": { schema: PROBLEM_REF } },
    };
  }
  return out;
}

function describeOperation(components: Components, method: string, path: string, spec: OperationSpec): Json {
  const access = spec.access ?? "viewer";
  const role = access === "public" ? "Public." : `Requires the \`${access}\` role (or higher).`;
  return {
    operationId: operationId(method, path),
    summary: spec.summary,
    description: [spec.description, role].filter(Boolean).join("\n\n"),
    tags: spec.tags,
    ...(access === "public" ? { security: [] } : { "x-required-role": access }),
    parameters: [
      ...parameters(components, spec.params, "path"),
      ...parameters(components, spec.query, "query"),
    ],
    ...(spec.body
      ? {
        requestBody: {
          required: !spec.bodyOptional,
          content: { "application/json": { schema: components.convert(spec.body, "input") } },
        },
      }
      : {}),
    responses: responses(components, spec),
  };
}

/** Builds the OpenAPI document from the route modules (a fresh build; see {@linkcode openApiDocument}). */
export async function buildOpenApiDocument(): Promise<Json> {
  const components = new Components();
  const routes = await apiRoutes();
  // responses first: a schema used both ways keeps its name for its output side, the input side of it
  // becomes `{id}Input` when it differs (defaults make fields optional on input)
  components.convert(Problem, "output");
  for (const route of routes) {
    for (const spec of Object.values(route.operations ?? {})) {
      if (spec?.response) components.convert(spec.response, "output");
    }
  }
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    for (const [method, spec] of Object.entries(route.operations ?? {})) {
      if (!spec) continue;
      spec.tags.forEach((t) => tags.add(t));
      (paths[route.path] ??= {})[method.toLowerCase()] = describeOperation(
        components,
        method,
        route.path,
        spec,
      );
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "GridPulse API",
      version: API_VERSION,
      description:
        "Energy telemetry and flexibility: plants, sites, VENs, alerts, alert rules, ADR events and live state. " +
        "Sign in with `POST /api/auth/token`, then send `Authorization: Bearer <accessToken>` (or use the " +
        "cookies the sign-in sets). Roles: `viewer` reads, `operator` also writes operational data and " +
        "handles alerts, `admin` also manages users. Errors are `application/problem+json`. Lists take " +
        "`page` and `page_size` (at most 500) and answer `{ items, page, pageSize, total }`.",
    },
    servers: [{ url: "/" }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        cookieAuth: { type: "apiKey", in: "cookie", name: "gp_access" },
      },
    },
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
  };
}

let cached: Promise<Json> | undefined;

/** The OpenAPI document, built once per process. */
export function openApiDocument(): Promise<Json> {
  return cached ??= buildOpenApiDocument();
}
