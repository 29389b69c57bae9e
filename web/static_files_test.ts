import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { App } from "./app.ts";
import { staticFiles } from "./static_files.ts";

/** A static folder with a sibling secret outside it, served by an app without routes. */
async function setup() {
  const base = await Deno.makeTempDir({ prefix: "fresh-static-" });
  const root = join(base, "static");
  const files: Record<string, string> = {
    "styles.css": "body{}",
    "app.js": "export {}",
    "logo.svg": "<svg/>",
    "data.bin": "\x00\x01",
    ".secret": "dotfile",
    "_islands/Clock-ABCD1234.js": "export const x=1",
    "docs/guide.txt": "guide",
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  await Deno.writeTextFile(join(base, "secret.txt"), "top secret");
  const handler = new App().use(staticFiles({ dir: root, immutablePrefix: "/_islands/" })).handler();
  return {
    get: (path: string, init?: RequestInit) => handler(new Request(`http://localhost${path}`, init)),
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

Deno.test("staticFiles() serves files with their content type and length", async () => {
  await using s = await setup();
  const cases: [string, string, string][] = [
    ["/styles.css", "text/css; charset=utf-8", "body{}"],
    ["/app.js", "text/javascript; charset=utf-8", "export {}"],
    ["/logo.svg", "image/svg+xml", "<svg/>"],
    ["/data.bin", "application/octet-stream", "\x00\x01"],
    ["/docs/guide.txt", "text/plain; charset=utf-8", "guide"],
  ];
  for (const [path, type, body] of cases) {
    const res = await s.get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("Content-Type"), type, path);
    assert.equal(res.headers.get("Content-Length"), String(body.length));
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.equal(await res.text(), body);
  }
});

Deno.test("staticFiles() answers a matching If-None-Match or If-Modified-Since with 304", async () => {
  await using s = await setup();
  const first = await s.get("/styles.css");
  await first.body?.cancel();
  const etag = first.headers.get("ETag")!;
  const lastModified = first.headers.get("Last-Modified")!;
  assert.match(etag, /^W\/"[\w-]+"$/);

  for (const inm of [etag, etag.slice(2), `"other", ${etag}`, "*"]) {
    const res = await s.get("/styles.css", { headers: { "If-None-Match": inm } });
    assert.equal(res.status, 304, inm);
    assert.equal(res.body, null);
    assert.equal(res.headers.get("ETag"), etag);
  }
  const changed = await s.get("/styles.css", { headers: { "If-None-Match": '"other"' } });
  assert.equal(changed.status, 200);
  await changed.body?.cancel();

  const since = await s.get("/styles.css", { headers: { "If-Modified-Since": lastModified } });
  assert.equal(since.status, 304);
  const before = await s.get("/styles.css", { headers: { "If-Modified-Since": new Date(0).toUTCString() } });
  assert.equal(before.status, 200);
  await before.body?.cancel();
});

Deno.test("staticFiles() caches /_islands/ bundles as immutable and the rest briefly", async () => {
  await using s = await setup();
  const bundle = await s.get("/_islands/Clock-ABCD1234.js");
  assert.equal(bundle.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  await bundle.body?.cancel();
  const css = await s.get("/styles.css");
  assert.equal(css.headers.get("Cache-Control"), "public, max-age=60, must-revalidate");
  await css.body?.cancel();
});

Deno.test("staticFiles() refuses paths that climb out of the folder", async () => {
  await using s = await setup();
  for (
    const path of [
      "/..%2fsecret.txt",
      "/docs/..%2f..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
    ]
  ) {
    const res = await s.get(path);
    assert.equal(res.status, 400, path);
    assert.doesNotMatch(await res.text(), /top secret/);
  }
  // Literal dot segments are folded by URL parsing before they reach the middleware.
  const folded = await s.get("/docs/../../secret.txt");
  assert.equal(folded.status, 404);
  assert.doesNotMatch(await folded.text(), /top secret/);
});

Deno.test("staticFiles() passes dotfiles, folders, missing files and other methods on", async () => {
  await using s = await setup();
  for (
    const [path, method] of [["/.secret", "GET"], ["/docs", "GET"], ["/nope.css", "GET"], [
      "/styles.css",
      "POST",
    ]]
  ) {
    const res = await s.get(path, { method });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.doesNotMatch(await res.text(), /dotfile|body\{\}/);
  }
});

Deno.test("staticFiles() answers HEAD with headers only", async () => {
  await using s = await setup();
  const res = await s.get("/app.js", { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Length"), "9");
  assert.equal(res.body, null);
});

Deno.test("staticFiles() serves a file added at the top once the listing is older than listingTtlMs", async () => {
  const root = await Deno.makeTempDir({ prefix: "fresh-static-" });
  try {
    const handler = new App().use(staticFiles({ dir: root, listingTtlMs: 50 })).handler();
    const get = (path: string) => handler(new Request(`http://localhost${path}`));
    const before = await get("/late.txt");
    assert.equal(before.status, 404);
    await before.body?.cancel();
    await Deno.writeTextFile(join(root, "late.txt"), "late");
    await new Promise((r) => setTimeout(r, 60));
    const after = await get("/late.txt");
    assert.equal(after.status, 200);
    assert.equal(await after.text(), "late");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("staticFiles() serves a file added below an existing top-level folder at once", async () => {
  const root = await Deno.makeTempDir({ prefix: "fresh-static-" });
  try {
    await Deno.mkdir(join(root, "_islands"));
    const handler = new App().use(staticFiles({ dir: root })).handler();
    const get = (path: string) => handler(new Request(`http://localhost${path}`));
    const before = await get("/_islands/New-1234.js");
    assert.equal(before.status, 404);
    await before.body?.cancel();
    await Deno.writeTextFile(join(root, "_islands", "New-1234.js"), "x");
    const after = await get("/_islands/New-1234.js");
    assert.equal(after.status, 200);
    await after.body?.cancel();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
