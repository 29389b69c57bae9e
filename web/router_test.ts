import assert from "node:assert/strict";
import { Router } from "./router.ts";

function router(...patterns: string[]): Router<string> {
  const r = new Router<string>();
  for (const p of patterns) r.add(p, p);
  return r;
}

Deno.test("Router.match() picks the most specific pattern whatever the order added", () => {
  const r = router("/:all*", "/plants/:id", "/plants/new", "/plants/:id/:rest*", "/plants");
  assert.equal(r.match("/plants/new")?.value, "/plants/new");
  assert.equal(r.match("/plants/p-1")?.value, "/plants/:id");
  assert.equal(r.match("/plants/p-1/a/b")?.value, "/plants/:id/:rest*");
  assert.equal(r.match("/plants")?.value, "/plants");
  assert.equal(r.match("/elsewhere/x")?.value, "/:all*");
  assert.equal(r.match("/")?.value, "/:all*");
});

Deno.test("Router.match() decodes params and leaves malformed escapes as they are", () => {
  const r = router("/plants/:id", "/files/:path*");
  assert.deepEqual(r.match("/plants/Solar%20Farm%20%231")?.params, { id: "Solar Farm #1" });
  assert.deepEqual(r.match("/plants/%E0%A4%A")?.params, { id: "%E0%A4%A" });
  assert.deepEqual(r.match("/files/a/b%2Fc")?.params, { path: "a/b/c" });
  assert.deepEqual(r.match("/files")?.params, {});
});

Deno.test("Router.match() returns undefined when nothing matches", () => {
  const r = router("/plants/:id");
  assert.equal(r.match("/plants"), undefined);
  assert.equal(r.match("/plants/1/2"), undefined);
});

Deno.test("Router.add() refuses two patterns that match the same paths", () => {
  const r = router("/plants/:id");
  assert.throws(
    () => r.add("/plants/:slug", "x"),
    /Routes \/plants\/:id and \/plants\/:slug match the same paths/,
  );
});

Deno.test("Router accepts patterns added after the first match", () => {
  const r = router("/a");
  assert.equal(r.match("/b"), undefined);
  r.add("/b", "/b");
  assert.equal(r.match("/b")?.value, "/b");
});
