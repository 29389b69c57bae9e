import assert from "node:assert/strict";
import { LoginLimiter } from "./login_limiter.ts";

Deno.test("LoginLimiter refuses a pair after maxFailures within the window, until the oldest leaves it", () => {
  let now = 1_000_000;
  const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.retryAfterSeconds("ada", "10.0.0.1"), 0);
    limiter.fail("ada", "10.0.0.1");
    now += 1_000;
  }
  assert.equal(limiter.retryAfterSeconds("ada", "10.0.0.1"), 57);
  assert.equal(limiter.retryAfterSeconds("ada", "10.0.0.2"), 0, "another address is not locked out");
  assert.equal(limiter.retryAfterSeconds("bob", "10.0.0.1"), 0, "another user is not locked out");
  now += 57_000;
  assert.equal(limiter.retryAfterSeconds("ada", "10.0.0.1"), 0);
});

Deno.test("LoginLimiter forgets a pair after success and is case-insensitive on usernames", () => {
  const limiter = new LoginLimiter({ maxFailures: 1 });
  limiter.fail("Ada", "a");
  assert.ok(limiter.retryAfterSeconds("ada", "a") > 0);
  limiter.succeed("ADA", "a");
  assert.equal(limiter.retryAfterSeconds("ada", "a"), 0);
});

Deno.test("LoginLimiter holds at most maxKeys pairs", () => {
  const limiter = new LoginLimiter({ maxFailures: 1, maxKeys: 2 });
  limiter.fail("a", "x");
  limiter.fail("b", "x");
  limiter.fail("c", "x");
  assert.equal(limiter.retryAfterSeconds("a", "x"), 0, "the oldest pair was dropped");
  assert.ok(limiter.retryAfterSeconds("c", "x") > 0);
});
