/**
 * API operations: one declaration per method of a route gives both the handler and its OpenAPI
 * description, so the document is generated from exactly the schemas the handler validates with.
 * The handler checks access (401 without a valid token, 403 below the required role), parses path
 * parameters, query and JSON body (unknown fields are errors), runs the operation and answers JSON.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { operation, route } from "./api/operation.ts";
 * export const { handler, openapi } = route({
 *   GET: operation({
 *     summary: "Say hello",
 *     tags: ["Examples"],
 *     query: z.strictObject({ name: z.string().default("world") }),
 *     response: z.object({ hello: z.string() }),
 *   }, ({ query }) => ({ hello: query.name })),
 * });
 * ```
 * @module
 */
import { type Context, type Handlers, HttpError, type Method } from "fresh";
import type { z } from "zod";
import type { AuthUser } from "../auth/tokens.ts";
import { ValidationError } from "../core/errors.ts";
import type { Services, State } from "../core/services.ts";
import { type Role, roleAllows } from "../domain/user.ts";
import { parseInput, queryObject, readJson } from "./validate.ts";

/** Who may call an operation: anyone, or users with at least this role. */
export type Access = "public" | Role;

/** The declaration of one operation. */
export interface OperationSpec {
  summary: string;
  description?: string;
  tags: string[];
  /** @default {"viewer"} */
  access?: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Whether the body may be left out (it is then parsed as `{}`). @default {false} */
  bodyOptional?: boolean;
  /** The JSON success body; none means 204 No Content (or `produces`). */
  response?: z.ZodType;
  /** Success status. @default {200, or 204 without a response} */
  status?: 200 | 201 | 202 | 204;
  /** Media type of a non-JSON success body (event stream, HTML, text). */
  produces?: string;
  /** Other statuses answered with the same body as success, by status: their description. */
  alsoAnswers?: Record<number, string>;
  /** Error statuses beyond 400, 401 and 403 this operation answers, e.g. 404, 409. */
  problems?: number[];
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What an operation's implementation receives, parsed. */
export interface OperationInput<S extends OperationSpec> {
  ctx: Context<State>;
  services: Services;
  /** The caller; always present unless the operation is public. */
  user: S["access"] extends "public" ? AuthUser | undefined : AuthUser;
  params: Out<S["params"]>;
  query: Out<S["query"]>;
  body: Out<S["body"]>;
}

/** An operation: its declaration and its handler. */
export interface Operation {
  spec: OperationSpec;
  handle(ctx: Context<State>): Promise<Response>;
}

/** Declares an operation; `run` returns the response body (serialised as JSON) or a `Response`. */
export function operation<const S extends OperationSpec>(
  spec: S,
  run: (input: OperationInput<S>) => unknown,
): Operation {
  return {
    spec,
    async handle(ctx) {
      const user = authorize(ctx, spec.access ?? "viewer");
      const params = spec.params ? parseInput(spec.params, ctx.params, "path") : undefined;
      const query = parseQuery(spec, ctx.url);
      const body = await parseBody(spec, ctx.req);
      const result = await run(
        { ctx, services: ctx.state.services, user, params, query, body } as OperationInput<S>,
      );
      if (result instanceof Response) return result;
      const status = spec.status ?? (result === undefined ? 204 : 200);
      return status === 204 ? new Response(null, { status }) : Response.json(result, { status });
    },
  };
}

/** The route's `handler` (one function per method) and `openapi` (one spec per method). */
export function route(operations: Partial<Record<Method, Operation>>): {
  handler: Handlers<unknown, State>;
  openapi: Partial<Record<Method, OperationSpec>>;
} {
  const handler: Handlers<unknown, State> = {};
  const openapi: Partial<Record<Method, OperationSpec>> = {};
  for (const [method, op] of Object.entries(operations) as [Method, Operation][]) {
    handler[method] = (ctx) => op.handle(ctx);
    openapi[method] = op.spec;
  }
  return { handler, openapi };
}

const SIGN_IN = "Sign in first: send Authorization: Bearer <access token> from POST /api/auth/token";

/**
 * The caller, when `access` allows them.
 *
 * @throws {HttpError} 401 without a valid token, 403 when the role is below `access`.
 */
export function authorize(ctx: Context<State>, access: Access): AuthUser | undefined {
  if (access === "public") return ctx.state.user;
  const user = ctx.state.user;
  if (!user) {
    const reason = typeof ctx.state.authError === "string" ? ctx.state.authError : SIGN_IN;
    throw new HttpError(401, reason, { headers: { "WWW-Authenticate": 'Bearer realm="gridpulse"' } });
  }
  if (!roleAllows(user.role, access)) {
    throw new HttpError(403, `This needs the ${access} role; you are signed in as ${user.role}`);
  }
  return user;
}

function parseQuery(spec: OperationSpec, url: URL): unknown {
  const raw = queryObject(url);
  if (spec.query) return parseInput(spec.query, raw, "query");
  const unknown = Object.keys(raw);
  if (unknown.length > 0) {
    throw new ValidationError(
      `Invalid query: ${unknown.join(", ")} ${
        unknown.length === 1 ? "is not a known parameter" : "are not known parameters"
      }`,
      unknown.map((field) => ({ field, message: "is not a known field" })),
    );
  }
  return undefined;
}

async function parseBody(spec: OperationSpec, req: Request): Promise<unknown> {
  if (req.body === null) {
    if (!spec.body) return undefined;
    if (spec.bodyOptional) return parseInput(spec.body, {}, "body");
    throw new ValidationError("Invalid body: a JSON body is required", [{
      field: "",
      message: "is required",
    }]);
  }
  const raw = await readJson(req);
  if (!spec.body) {
    if (raw === undefined) return undefined;
    throw new ValidationError("Invalid body: this operation takes no body", [
      { field: "", message: "must be empty" },
    ]);
  }
  if (raw === undefined && !spec.bodyOptional) {
    throw new ValidationError("Invalid body: a JSON body is required", [{
      field: "",
      message: "is required",
    }]);
  }
  return parseInput(spec.body, raw ?? {}, "body");
}
