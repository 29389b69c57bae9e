/**
 * The API as a whole, from its own description: the OpenAPI document lists every route module and is
 * structurally valid; every operation enforces its access (401 without a token, 403 below its role),
 * rejects unknown query parameters and body fields with a 400 naming them, and never answers 5xx to
 * random input.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { apiRoutes } from "../api/api_routes.ts";
import { buildOpenApiDocument } from "../api/openapi.ts";
import type { OperationSpec } from "../api/operation.ts";
import { withApi } from "../api/testing.ts";
import type { Role } from "../domain/user.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

interface Op {
  method: string;
  path: string;
  spec: OperationSpec;
}

async function operations(): Promise<Op[]> {
  const out: Op[] = [];
  for (const route of await apiRoutes()) {
    for (const [method, spec] of Object.entries(route.operations ?? {})) {
      if (spec) out.push({ method, path: route.path, spec });
    }
  }
  return out;
}

/** A concrete URL for a path template: well-formed parameter values that name nothing. */
function concrete(path: string): string {
  return path.replace(
    /\{(\w+)\}/g,
    (_, name: string) =>
      name === "loadId" ? "load-1" : name === "path" ? "swagger-ui.css" : crypto.randomUUID(),
  );
}

Deno.test("every API route module declares its operations", async () => {
  const routes = await apiRoutes();
  assert.ok(routes.length >= 40, `only ${routes.length} routes found`);
  for (const route of routes) {
    assert.ok(
      route.operations && Object.keys(route.operations).length > 0,
      `${route.file} exports no openapi`,
    );
  }
});

Deno.test("the OpenAPI document is valid 3.1 and lists every route and operation", async () => {
  const doc = await buildOpenApiDocument() as Json;
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.info.title && doc.info.version);
  const schemas = doc.components.schemas as Json;
  const schemes = Object.keys(doc.components.securitySchemes);
  const ids = new Set<string>();
  for (const op of await operations()) {
    const o = doc.paths[op.path]?.[op.method.toLowerCase()];
    assert.ok(o, `${op.method} ${op.path} missing from the document`);
    assert.ok(!ids.has(o.operationId), `duplicate operationId ${o.operationId}`);
    ids.add(o.operationId);
    assert.ok(
      Object.keys(o.responses).some((s) => /^2\d\d$/.test(s)),
      `${op.method} ${op.path} has no success response`,
    );
    const templated = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const declared = o.parameters.filter((p: Json) => p.in === "path").map((p: Json) => p.name).sort();
    assert.deepEqual(declared, templated, `${op.method} ${op.path}: path parameters`);
    for (const p of o.parameters) {
      assert.ok(p.schema && typeof p.name === "string" && ["path", "query"].includes(p.in));
    }
    for (const s of o.security ?? doc.security) {
      for (const name of Object.keys(s)) assert.ok(schemes.includes(name));
    }
    if (op.spec.access !== "public") assert.ok(o.responses["401"] && o.responses["403"]);
  }
  assert.deepEqual(
    Object.keys(doc.paths).sort(),
    [...new Set((await operations()).map((o) => o.path))].sort(),
  );
  // every $ref resolves, and every schema is JSON Schema a 3.1 reader accepts
  const types = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === "$ref") {
        assert.match(value, /^#\/components\/schemas\//, `${where}: $ref ${value}`);
        assert.ok(schemas[value.slice(21)], `${where}: $ref ${value} does not resolve`);
      } else if (key === "type" && !where.endsWith("/properties") && !where.includes("securitySchemes")) {
        for (const t of [value].flat()) {
          assert.ok(typeof t !== "string" || types.has(t), `${where}: type ${t}`);
        }
      }
      walk(value, `${where}/${key}`);
    }
  };
  walk(doc, "#");
  for (const name of ["Problem", "Plant", "AdrEvent", "VenLiveState", "SiteDashboard", "TokenResponse"]) {
    assert.ok(schemas[name], name);
  }
});

Deno.test("every operation enforces access and rejects unknown input", async (t) => {
  await withApi("embedded", async (api) => {
    const ops = await operations();
    await t.step("no token: 401 on every protected operation", async () => {
      for (const op of ops.filter((o) => o.spec.access !== "public")) {
        const p = await api.problem(op.method, concrete(op.path), 401);
        assert.match(p.detail, /Sign in|token/i, `${op.method} ${op.path}`);
      }
    });
    await t.step("a bad token: 401 naming the reason", async () => {
      const p = await api.problem("GET", "/api/plants", 401, { token: "x.y.z" });
      assert.equal(p.detail, "Access token is invalid");
    });
    await t.step("a role below the operation's: 403", async () => {
      const below: Record<string, Role> = { operator: "viewer", admin: "operator" };
      let checked = 0;
      for (const op of ops) {
        const role = below[op.spec.access ?? "viewer"];
        if (!role) continue;
        await api.problem(op.method, concrete(op.path), 403, {
          as: role,
          body: op.spec.body ? {} : undefined,
        });
        checked++;
      }
      assert.ok(checked >= 40, `${checked} write operations checked`);
    });
    await t.step("an unknown query parameter: 400 naming it", async () => {
      for (const op of ops) {
        const p = await api.problem(op.method, `${concrete(op.path)}?bogus=1`, 400, { as: "admin" });
        assert.ok(
          p.errors?.some((e) => e.field === "bogus"),
          `${op.method} ${op.path}: ${JSON.stringify(p)}`,
        );
      }
    });
    await t.step("an unknown body field: 400 naming it", async () => {
      for (const op of ops.filter((o) => o.spec.body)) {
        const p = await api.problem(op.method, concrete(op.path), 400, { as: "admin", body: { bogus: 1 } });
        assert.ok(
          p.errors?.some((e) => e.field === "bogus"),
          `${op.method} ${op.path}: ${JSON.stringify(p)}`,
        );
      }
    });
    await t.step("random bodies and query strings never get a 5xx", async () => {
      const bodyOps = ops.filter((o) => o.spec.body);
      const getOps = ops.filter((o) => o.method === "GET" && o.spec.query);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...bodyOps), fc.jsonValue({ maxDepth: 3 }), async (op, body) => {
          const res = await api.request(op.method, concrete(op.path), {
            as: "admin",
            body: JSON.stringify(body),
          });
          await res.body?.cancel();
          return res.status < 500;
        }),
        { numRuns: 300 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...getOps),
          fc.dictionary(
            fc.constantFrom(
              "page",
              "page_size",
              "start_time",
              "end_time",
              "interval",
              "hours",
              "status",
              "site_id",
              "include",
              "kind",
            ),
            fc.string({ maxLength: 30 }),
            { maxKeys: 4 },
          ),
          async (op, query) => {
            if (op.spec.produces === "text/event-stream") return true;
            const res = await api.request(op.method, `${concrete(op.path)}?${new URLSearchParams(query)}`, {
              as: "admin",
            });
            await res.body?.cancel();
            return res.status < 500;
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
