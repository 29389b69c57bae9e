import assert from "node:assert/strict";
import { errorResponse, isApiPath } from "./error.ts";
import { HttpError } from "./http_error.ts";
import { captureStderr, fixtureApp } from "./testdata/fixture_app.ts";

const get = await fixtureApp();

Deno.test("App renders the nearest _error.tsx for a failing page", async () => {
  let res!: Response;
  const logged = await captureStderr(async () => {
    res = await get("/admin/boom");
  });
  assert.equal(res.status, 500);
  const body = await res.text();
  assert.match(body, /<p class="admin-error">admin 500 An unexpected error occurred<\/p>/);
  assert.doesNotMatch(body, /secret internals/);
  assert.equal(logged.length, 1);
  assert.equal(JSON.parse(logged[0]).error.message, "secret internals");

  const forbidden = await get("/admin/forbidden");
  assert.equal(forbidden.status, 403);
  assert.match(await forbidden.text(), /admin 403 Operators only/);
});

Deno.test("App renders _404.tsx for an HttpError(404), even under a folder with its own _error", async () => {
  const res = await get("/admin/gone");
  assert.equal(res.status, 404);
  assert.match(await res.text(), /<p class="root-404">missing \/admin\/gone<\/p>/);
});

Deno.test("App answers /api/ errors with problem+json", async () => {
  const res = await get("/api/plants/missing");
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  assert.deepEqual(await res.json(), {
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail: "Plant missing not found",
    instance: "/api/plants/missing",
  });
});

Deno.test("App answers an unexpected error with a bare 500 and logs one JSON line", async () => {
  let res!: Response;
  const logged = await captureStderr(async () => {
    res = await get("/api/fail");
  });
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /hunter2|at .*\.ts/, "no message or stack trace leaks");
  assert.equal(JSON.parse(text).detail, "An unexpected error occurred");
  assert.equal(logged.length, 1);
  const line = JSON.parse(logged[0]);
  assert.equal(line.level, "error");
  assert.equal(line.path, "/api/fail");
  assert.equal(line.status, 500);
  assert.match(line.error.stack, /fail\.ts/);
});

Deno.test("App maps application errors with mapError", async () => {
  const api = await get("/api/invalid", { method: "POST" });
  assert.equal(api.status, 422);
  assert.deepEqual(await api.json(), {
    type: "about:blank",
    title: "Unprocessable Content",
    status: 422,
    detail: "Validation failed",
    instance: "/api/invalid",
    errors: [{ field: "capacityMw", message: "must be positive" }],
  });

  const page = await get("/invalid-page");
  assert.equal(page.status, 422);
  assert.match(await page.text(), /<p class="root-error">422 Validation failed<\/p>/);
});

Deno.test("errorResponse() keeps the standard problem members and adds the error's headers", async () => {
  const err = new HttpError(429, "Slow down", {
    extra: { status: 200, retryAfterSeconds: 30 },
    headers: { "Retry-After": "30" },
    type: "https://gridpulse.example/problems/rate-limit",
  });
  const res = await errorResponse(err, new Request("http://x/api/offers"), {
    renderPage: () => Promise.resolve(undefined),
  });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("Retry-After"), "30");
  const body = await res.json();
  assert.equal(body.status, 429, "extra members cannot override status");
  assert.equal(body.retryAfterSeconds, 30);
  assert.equal(body.type, "https://gridpulse.example/problems/rate-limit");
});

Deno.test("errorResponse() falls back to plain text when there is no error page or it fails", async () => {
  const req = new Request("http://x/plants");
  const none = await errorResponse(new HttpError(404), req, { renderPage: () => Promise.resolve(undefined) });
  assert.equal(none.status, 404);
  assert.equal(await none.text(), "404 Not Found");

  const logged = await captureStderr(async () => {
    const broken = await errorResponse(new HttpError(409, "Taken"), req, {
      renderPage: () => Promise.reject(new Error("layout crashed")),
    });
    assert.equal(await broken.text(), "409 Taken");
  });
  assert.match(logged[0], /layout crashed/);
});

Deno.test("errorResponse() treats a throwing mapError as an unexpected error", async () => {
  const logged = await captureStderr(async () => {
    const res = await errorResponse(new Error("x"), new Request("http://x/api/a"), {
      mapError: () => {
        throw new Error("mapper bug");
      },
      renderPage: () => Promise.resolve(undefined),
    });
    assert.equal(res.status, 500);
    await res.body?.cancel();
  });
  assert.equal(logged.length, 2);
});

Deno.test("isApiPath() matches /api and below only", () => {
  assert.ok(isApiPath("/api"));
  assert.ok(isApiPath("/api/plants"));
  assert.ok(!isApiPath("/apidocs"));
  assert.ok(!isApiPath("/plants/api"));
});

Deno.test("HttpError() refuses a status outside 400-599", () => {
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new HttpError(302 as any), RangeError);
  const err = new HttpError(503, undefined, { cause: "db down" });
  assert.equal(err.message, "Service Unavailable");
  assert.equal(err.cause, "db down");
  assert.ok(err instanceof Error);
});
