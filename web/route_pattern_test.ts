import assert from "node:assert/strict";
import { compareSpecificity, parsePattern, patternFromFile, toHonoPaths } from "./route_pattern.ts";

Deno.test("patternFromFile() follows the FRESH-CONVENTIONS route table", () => {
  const table: [string, string][] = [
    ["index.tsx", "/"],
    ["plants/index.tsx", "/plants"],
    ["plants/[id].tsx", "/plants/:id"],
    ["files/[...path].tsx", "/files/:path*"],
    ["(ops)/dispatch.tsx", "/dispatch"],
    ["api/plants/[id].ts", "/api/plants/:id"],
    ["(ops)/index.tsx", "/"],
    ["vens/[venId]/events.tsx", "/vens/:venId/events"],
    ["openapi.json.ts", "/openapi.json"],
  ];
  for (const [file, pattern] of table) assert.equal(patternFromFile(file), pattern, file);
});

Deno.test("patternFromFile() rejects segment syntax it does not support", () => {
  for (const file of ["[[opt]].tsx", "a-[id].tsx", "x/:id.tsx", "[id.tsx"]) {
    assert.throws(() => patternFromFile(file), TypeError, file);
  }
});

Deno.test("parsePattern() reads params and a trailing rest segment", () => {
  assert.deepEqual(parsePattern("/old/:code/:rest*"), [
    { kind: "static", value: "old" },
    { kind: "param", name: "code" },
    { kind: "rest", name: "rest" },
  ]);
  assert.throws(() => parsePattern("/:rest*/x"), TypeError);
  assert.throws(() => parsePattern("no-slash"), TypeError);
});

Deno.test("compareSpecificity() orders static before [param] before [...rest]", () => {
  const patterns = ["/:a*", "/plants/:id", "/:slug", "/plants/new", "/plants/:rest*", "/plants", "/"];
  const sorted = patterns.map((p) => ({ p, s: parsePattern(p) }))
    .sort((a, b) => compareSpecificity(a.s, b.s)).map((x) => x.p);
  assert.deepEqual(sorted, [
    "/",
    "/plants",
    "/plants/new",
    "/plants/:id",
    "/plants/:rest*",
    "/:slug",
    "/:a*",
  ]);
});

Deno.test("toHonoPaths() spells a rest segment as the bare prefix plus a {.+} param", () => {
  assert.deepEqual(toHonoPaths(parsePattern("/plants/:id")), ["/plants/:id"]);
  assert.deepEqual(toHonoPaths(parsePattern("/files/:path*")), ["/files", "/files/:path{.+}"]);
  assert.deepEqual(toHonoPaths(parsePattern("/:all*")), ["/", "/:all{.+}"]);
});
