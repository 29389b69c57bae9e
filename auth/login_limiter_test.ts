import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { LoginLimiter } from "./login_limiter.ts";

for (const backend of pgBackends()) {
  Deno.test(`LoginLimiter refuses a pair after maxFailures within the window, until the oldest leaves it (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const limiter = new LoginLimiter(sql, { maxFailures: 3, windowMs: 1_500 });
      for (let i = 0; i < 3; i++) {
        assert.equal((await limiter.begin("ada", "10.0.0.1")).retryAfterSeconds, 0); // each one fails
      }
      const refused = await limiter.begin("ada", "10.0.0.1");
      assert.equal(refused.retryAfterSeconds, 2);
      assert.equal((await limiter.begin("ada", "10.0.0.2")).retryAfterSeconds, 0, "another address goes on");
      assert.equal((await limiter.begin("bob", "10.0.0.1")).retryAfterSeconds, 0, "another user goes on");
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from login_failures where username = 'ada' and address = '10.0.0.1'`;
      assert.equal(n, 3, "a refused attempt is not counted");
      await new Promise((r) => setTimeout(r, 1_600));
      assert.equal((await limiter.begin("ada", "10.0.0.1")).retryAfterSeconds, 0, "the window has passed");
    }));

  Deno.test(`LoginLimiter forgets a pair after success, is case-insensitive on usernames, and is shared by instances (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const one = new LoginLimiter(sql, { maxFailures: 2 });
      const other = new LoginLimiter(sql, { maxFailures: 2 }); // another instance of the app
      await one.begin("Ada", "a");
      await other.begin("ada", "a");
      assert.ok((await one.begin("ADA", "a")).retryAfterSeconds > 0, "two failures, one on each instance");
      await sql`delete from login_failures`;
      await one.begin("ada", "a");
      const right = await other.begin("ADA", "a");
      await right.succeeded();
      assert.equal((await one.begin("ada", "a")).retryAfterSeconds, 0);
      assert.equal(
        (await one.begin("ada", "a")).retryAfterSeconds,
        0,
        "the failures before the success are gone",
      );
    }));

  Deno.test(`LoginLimiter lets exactly maxFailures of a burst of parallel attempts through (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const limiter = new LoginLimiter(sql, { maxFailures: 5 });
      const attempts = await Promise.all(Array.from({ length: 20 }, () => limiter.begin("ada", "burst")));
      assert.equal(attempts.filter((a) => a.retryAfterSeconds === 0).length, 5);
      // anything as a username, NUL included, is counted, not an error
      assert.equal((await limiter.begin("a\u0000b", "x")).retryAfterSeconds, 0);
    }));
}
