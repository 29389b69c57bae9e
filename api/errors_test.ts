import assert from "node:assert/strict";
import { LoginThrottledError } from "../auth/login.ts";
import { TokenError } from "../auth/tokens.ts";
import { BackpressureError, StoreUnavailableError, ValidationError } from "../core/errors.ts";
import { mapError } from "./errors.ts";

function pgError(code: string, extra: Record<string, string> = {}): Error {
  return Object.assign(new Error(`pg ${code}`), { name: "PostgresError", code, ...extra });
}

Deno.test("mapError() turns a ValidationError into a 400 listing the fields", () => {
  const e = mapError(
    new ValidationError("Invalid body: name is required", [{ field: "name", message: "is required" }]),
  )!;
  assert.equal(e.status, 400);
  assert.deepEqual(e.extra.errors, [{ field: "name", message: "is required" }]);
});

Deno.test("mapError() answers unavailable or busy stores with 503 and Retry-After", () => {
  const down = mapError(new StoreUnavailableError("redis", "Redis at redis://x is unreachable"))!;
  assert.equal(down.status, 503);
  assert.equal(down.headers.get("retry-after"), "5");
  assert.equal(down.message, "The redis store is unavailable", "no location leaks to the client");
  const busy = mapError(new BackpressureError("influx", "buffer full"))!;
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get("retry-after"), "1");
  const lost = mapError(Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" }))!;
  assert.equal(lost.status, 503);
});

Deno.test("mapError() maps auth failures to 401 and throttling to 429", () => {
  assert.equal(mapError(new TokenError("Access token expired"))!.status, 401);
  const throttled = mapError(new LoginThrottledError(42))!;
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get("retry-after"), "42");
});

Deno.test("mapError() names the field of PostgreSQL constraint violations", () => {
  const unique = mapError(pgError("23505", { detail: "Key (portfolio_id, name)=(1, x) already exists." }))!;
  assert.equal(unique.status, 409);
  assert.deepEqual(unique.extra.errors, [
    { field: "portfolioId", message: "is already taken" },
    { field: "name", message: "is already taken" },
  ]);
  const fk = mapError(pgError("23503", { detail: 'Key (site_id)=(9) is not present in table "sites".' }))!;
  assert.equal(fk.status, 422);
  assert.deepEqual(fk.extra.errors, [{ field: "siteId", message: "refers to no existing sites row" }]);
  const referenced = mapError(
    pgError("23503", { detail: 'Key (id)=(9) is still referenced from table "x".' }),
  )!;
  assert.equal(referenced.status, 409);
  assert.equal(mapError(pgError("22P02"))!.status, 400);
  assert.match(mapError(pgError("22021"))!.message, /U\+0000/);
  assert.equal(mapError(pgError("22P05"))!.status, 400);
  assert.equal(mapError(pgError("23502", { column_name: "capacity_mw" }))!.message, "capacityMw is required");
  assert.equal(mapError(pgError("57014"))!.status, 503);
});

Deno.test("mapError() leaves other errors alone (they become a logged 500)", () => {
  assert.equal(mapError(new Error("boom")), undefined);
  assert.equal(mapError(pgError("42P01")), undefined, "a missing table is our bug, not the client's");
  assert.equal(mapError("a string"), undefined);
});
