import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE_ISLANDS } from "../testdata/fixture_app.ts";
import { build } from "./builder.ts";
import { npmToBare } from "./deno_imports_plugin.ts";
import { manifestPath, readManifest } from "./manifest.ts";

async function tempStatic() {
  const dir = await Deno.makeTempDir({ prefix: "fresh-build-" });
  return {
    dir,
    outDir: join(dir, "_islands"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("build() writes content-hashed, minified ES modules and a manifest", async () => {
  await using t = await tempStatic();
  const manifest = await build({ islandsDir: FIXTURE_ISLANDS, staticDir: t.dir, outDir: t.outDir });
  assert.match(manifest.client, /^\/_islands\/fresh-runtime-[A-Z0-9]{8}\.js$/);
  assert.deepEqual(Object.keys(manifest.islands), ["Card.tsx", "Counter.tsx", "Inspector.tsx", "Panel.tsx"]);
  for (const [file, url] of Object.entries(manifest.islands)) {
    assert.match(url, new RegExp(`^/_islands/${file.replace(".tsx", "")}-[A-Z0-9]{8}\\.js$`));
    const code = await Deno.readTextFile(join(t.dir, url));
    assert.match(code, /^import|export\{/m, "ESM");
    assert.doesNotMatch(code, /\n\s+\S/, "minified");
  }
  const chunks = [...Deno.readDirSync(t.outDir)].filter((e) => e.name.startsWith("chunk-"));
  assert.ok(chunks.length >= 1, "shared code (preact) is split into a chunk");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(manifestPath(t.outDir))), manifest);
  assert.deepEqual(await readManifest(t.outDir), manifest);
});

Deno.test("build() keeps file names stable and removes bundles older builds left long ago", async () => {
  await using t = await tempStatic();
  const config = { islandsDir: FIXTURE_ISLANDS, staticDir: t.dir, outDir: t.outDir };
  await Deno.mkdir(t.outDir, { recursive: true });
  const anHourAgo = new Date(Date.now() - 3_600_000);
  await Deno.writeTextFile(join(t.outDir, "Stale-AAAAAAAA.js"), "old");
  await Deno.utime(join(t.outDir, "Stale-AAAAAAAA.js"), anHourAgo, anHourAgo);
  await Deno.writeTextFile(join(t.outDir, "Fresh-BBBBBBBB.js"), "another process's current build");
  await Deno.writeTextFile(join(t.outDir, ".tmp-other-process"), "in flight");
  const first = await build(config);
  const second = await build(config);
  assert.deepEqual(second, first);
  const names = [...Deno.readDirSync(t.outDir)].map((e) => e.name);
  assert.ok(!names.includes("Stale-AAAAAAAA.js"));
  assert.ok(names.includes("Fresh-BBBBBBBB.js"), "a recent bundle of another build may still be served");
  assert.ok(names.includes(".tmp-other-process"), "another process's half-written file is left alone");
});

Deno.test("build() with no islands still builds the runtime", async () => {
  await using t = await tempStatic();
  const manifest = await build({ islandsDir: join(t.dir, "none"), staticDir: t.dir, outDir: t.outDir });
  assert.deepEqual(manifest.islands, {});
  assert.ok(manifest.client);
});

Deno.test("readManifest() reads a manifest another process wrote and explains a missing one", async () => {
  await using t = await tempStatic();
  await assert.rejects(readManifest(t.outDir), /call build\(\) before serving/);
  await Deno.mkdir(t.outDir);
  const written = { client: "/_islands/fresh-runtime-X.js", islands: { "A.tsx": "/_islands/A-Y.js" } };
  await Deno.writeTextFile(manifestPath(t.outDir), JSON.stringify(written));
  assert.deepEqual(await readManifest(t.outDir), written);
});

Deno.test("npmToBare() turns import-map npm: targets into package specifiers", () => {
  assert.equal(npmToBare("npm:preact@10.29.8"), "preact");
  assert.equal(npmToBare("npm:/preact@10.29.8/hooks"), "preact/hooks");
  assert.equal(npmToBare("npm:@preact/signals@2.11.4"), "@preact/signals");
  assert.equal(npmToBare("npm:/@scope/pkg@1/sub/path.js"), "@scope/pkg/sub/path.js");
  assert.equal(npmToBare("npm:chart.js"), "chart.js");
  assert.throws(() => npmToBare("jsr:@std/path"), TypeError);
});

Deno.test("build() leaves unchanged bundles and manifest untouched, so file watchers stay quiet", async () => {
  await using t = await tempStatic();
  const config = { islandsDir: FIXTURE_ISLANDS, staticDir: t.dir, outDir: t.outDir };
  await build(config);
  const mtimes = () =>
    new Map(
      [...Deno.readDirSync(t.outDir)].map((
        e,
      ) => [e.name, Deno.statSync(join(t.outDir, e.name)).mtime?.getTime()]),
    );
  const before = mtimes();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await build(config);
  assert.deepEqual(mtimes(), before);
});
