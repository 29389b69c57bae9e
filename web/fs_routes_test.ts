import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { loadRoutes } from "./fs_routes.ts";
import { FIXTURE_ROUTES } from "./testdata/fixture_app.ts";
import { App } from "./app.ts";

/** Write a routes folder of plain modules (no imports) into a temp dir. */
async function routesDir(files: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "fresh-routes-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

const PAGE = "export default () => null;\n";

Deno.test("loadRoutes() gives each route its folders from the root down", async () => {
  const tree = await loadRoutes(FIXTURE_ROUTES);
  const byFile = new Map(tree.routes.map((r) => [r.file, r]));
  assert.deepEqual(byFile.get("(ops)/dispatch.tsx")?.folders.map((f) => f.dir), ["", "(ops)"]);
  assert.equal(byFile.get("(ops)/dispatch.tsx")?.pattern, "/dispatch");
  assert.deepEqual(byFile.get("api/plants/[id].ts")?.folders.map((f) => f.dir), ["", "api", "api/plants"]);
  assert.equal(tree.root.middlewares.length, 2, "an array default export is two middlewares");
  assert.ok(tree.app && tree.root.layout && tree.root.errorPage && tree.root.notFoundPage);
  assert.ok(!byFile.has("(_components)/Widget.tsx"));
  assert.ok(![...byFile.keys()].some((f) => f.includes("_test")));
});

Deno.test("loadRoutes() rejects an unknown special file", async () => {
  await using r = await routesDir({ "_layuot.tsx": PAGE });
  await assert.rejects(loadRoutes(r.dir), /Unknown special route file _layuot\.tsx/);
});

Deno.test("loadRoutes() rejects _app outside the root", async () => {
  await using r = await routesDir({ "admin/_app.tsx": PAGE });
  await assert.rejects(loadRoutes(r.dir), /_app is only allowed at the routes root/);
});

Deno.test("loadRoutes() rejects modules whose exports do not fit", async () => {
  const cases: [string, string, RegExp][] = [
    ["empty.ts", "export const x = 1;", /exports neither a handler nor a default component/],
    ["bad.ts", "export const handler = { FETCH() {} };", /unknown methods FETCH/],
    ["_middleware.ts", "export default 42;", /must default-export a middleware/],
    ["_layout.tsx", "export const x = 1;", /must default-export a component/],
  ];
  for (const [file, text, message] of cases) {
    await using r = await routesDir({ [file]: text });
    await assert.rejects(loadRoutes(r.dir), message, file);
  }
});

Deno.test("App.fsRoutes() rejects two files that claim the same URL", async () => {
  await using r = await routesDir({ "(a)/x.tsx": PAGE, "x.tsx": PAGE });
  await assert.rejects(
    new App({ config: { islandsDir: r.dir + "/none" } }).fsRoutes(r.dir),
    /match the same paths/,
  );
});
