import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT_ROOT, resolveConfig } from "./config.ts";

Deno.test("resolveConfig() reads fresh.config.ts and resolves paths against the project root", () => {
  const config = resolveConfig();
  assert.equal(config.routesDir, join(PROJECT_ROOT, "routes"));
  assert.equal(config.islandsDir, join(PROJECT_ROOT, "islands"));
  assert.equal(config.staticDir, join(PROJECT_ROOT, "static"));
  assert.equal(config.outDir, join(PROJECT_ROOT, "static/_islands"));
  assert.equal(config.outPrefix, "/_islands/");
  assert.equal(config.minify, true);
});

Deno.test("resolveConfig() applies overrides but ignores undefined ones", () => {
  const config = resolveConfig({ routesDir: "/tmp/r", islandsDir: undefined, outDir: "static/js/islands" });
  assert.equal(config.routesDir, "/tmp/r");
  assert.equal(config.islandsDir, join(PROJECT_ROOT, "islands"));
  assert.equal(config.outPrefix, "/js/islands/");
});

Deno.test("resolveConfig() refuses an outDir outside staticDir", () => {
  assert.throws(() => resolveConfig({ outDir: "build" }), RangeError);
  assert.throws(() => resolveConfig({ outDir: "static" }), RangeError);
});
