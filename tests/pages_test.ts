/**
 * Every page through `app.handler()` (no browser): each renders for each role on an empty database with
 * its empty states, and with PostgreSQL and the documents store down each list page still answers 200
 * with error states (a detail page answers the 503 error page), never a 500.
 */
import assert from "node:assert/strict";
import { build } from "fresh";
import { StoreUnavailableError } from "../core/errors.ts";
import type { DocumentStore } from "../stores/documents/documents.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { type ApiHarness, withApi } from "../api/testing.ts";
import type { Role } from "../domain/user.ts";

const LIST_PAGES = [
  "/",
  "/?window=1h",
  "/?window=7d",
  "/plants",
  "/offers",
  "/operations",
  "/alerts",
  "/alert-rules",
  "/audit",
  "/ingestion",
  "/vens",
  "/sites",
  "/architecture",
];
const WRITE_PAGES = ["/plants/new", "/offers/new", "/vens/new", "/vens/events/new", "/alert-rules/new"];

function page(api: ApiHarness, path: string, role?: Role): Promise<Response> {
  const headers = role ? { Cookie: `gp_access=${api.tokens[role]}` } : undefined;
  return api.handler(new Request(`http://localhost${path}`, { headers, redirect: "manual" }));
}

async function html(api: ApiHarness, path: string, role: Role, status = 200): Promise<string> {
  const res = await page(api, path, role);
  const text = await res.text();
  assert.equal(res.status, status, `${path} as ${role}: ${res.status} ${text.slice(0, 400)}`);
  return text;
}

/** A postgres.js stand-in whose every query fails as a refused connection does (lazily, like the real one). */
function downSql(): Sql {
  const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  const query = { then: (_: unknown, reject: (e: unknown) => void) => reject(error) };
  const sql: unknown = new Proxy(function () {}, { apply: () => query, get: () => sql });
  return sql as Sql;
}

function downDocuments(real: DocumentStore): DocumentStore {
  const fail = () => Promise.reject(new StoreUnavailableError("mongo", "MongoDB is not answering"));
  return { ...real, find: fail, count: fail, insert: fail, check: real.check.bind(real) };
}

Deno.test("pages: every page renders for every role on an empty database, with empty states", async (t) => {
  await build();
  await withApi("embedded", async (api) => {
    await t.step("without a session: to /api/auth/resume with the page to return to", async () => {
      const res = await page(api, "/plants?status=online");
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/api/auth/resume?next=%2Fplants%3Fstatus%3Donline");
      const login = await page(api, "/login");
      assert.equal(login.status, 200);
      assert.doesNotMatch(await login.text(), /<script/, "the sign-in page ships no JavaScript");
    });
    await t.step("each page, each role: a title, the navigation, the user, no-store and a CSP", async () => {
      for (const role of ["viewer", "operator", "admin"] as const) {
        for (const path of LIST_PAGES) {
          const res = await page(api, path, role);
          const text = await res.text();
          assert.equal(res.status, 200, `${path} as ${role}: ${text.slice(0, 300)}`);
          assert.match(text, /<title>[^<]+ · GridPulse<\/title>/, path);
          assert.match(text, /<nav class="nav" aria-label="Main">/, path);
          assert.match(text, new RegExp(`test-${role}`), path);
          assert.equal(res.headers.get("cache-control"), "no-store");
          assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
        }
      }
    });
    await t.step("empty states say what would fill them", async () => {
      assert.match(await html(api, "/", "viewer"), /No plants yet/);
      assert.match(await html(api, "/plants", "operator"), /No plants yet/);
      assert.match(await html(api, "/offers", "viewer"), /No offers yet/);
      assert.match(await html(api, "/alerts", "viewer"), /No alert matches/);
      assert.match(await html(api, "/alert-rules", "viewer"), /No alert rules yet/);
      assert.match(await html(api, "/vens", "viewer"), /No VENs registered/);
      assert.match(await html(api, "/sites", "viewer"), /No portfolio yet/);
      assert.match(await html(api, "/operations", "viewer"), /No market signals in the last 24 hours/);
      assert.match(await html(api, "/audit", "viewer"), /for operators and administrators/);
      assert.match(await html(api, "/ingestion", "viewer"), /No rejected messages/);
    });
    await t.step("write pages: 403 for viewers, forms for operators", async () => {
      for (const path of WRITE_PAGES) {
        assert.match(await html(api, path, "viewer", 403), /needs the operator role/);
        // an ADR event needs a program, and an empty database has none
        assert.match(await html(api, path, "operator"), /class="resource-form"|No ADR program yet/);
      }
      await html(api, `/plants/${crypto.randomUUID()}`, "viewer", 404);
      await html(api, "/plants/not-a-uuid", "viewer", 404);
    });
  });
});

Deno.test("pages: with PostgreSQL and the documents store down, lists show error states, not a 500", async () => {
  await build();
  await withApi("embedded", async (api) => {
    // the signing key is read once; from here on every query fails
    await html(api, "/", "admin");
    const { sql, documents, health } = api.services;
    api.services.sql = downSql();
    api.services.documents = downDocuments(documents);
    api.services.health = () =>
      Promise.resolve([{
        store: "postgres",
        backend: "PostgreSQL",
        state: "down",
        required: true,
        error: "refused",
      }]);
    try {
      const architecture = await html(api, "/architecture", "admin");
      assert.match(architecture, /data-store="postgres"[\s\S]*?badge-danger">Down<[\s\S]*?refused/);
      for (const path of LIST_PAGES.filter((p) => p !== "/architecture")) {
        const text = await html(api, path, "admin");
        assert.match(text, /class="error-state"/, path);
        assert.match(text, /PostgreSQL is not answering|store is unavailable|did not answer/, path);
      }
      const detail = await html(api, `/plants/${crypto.randomUUID()}`, "admin", 503);
      assert.match(detail, /database is unavailable/);
    } finally {
      Object.assign(api.services, { sql, documents, health });
    }
  });
});
