import assert from "node:assert/strict";
import { fixtureApp } from "./testdata/fixture_app.ts";

const get = await fixtureApp();

async function html(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; res: Response }> {
  const res = await get(path, init);
  return { status: res.status, body: await res.text(), res };
}

Deno.test("App routes every row of the route table", async () => {
  const rows: [string, RegExp][] = [
    ["/", /<h1>home /],
    ["/plants", /<h1>plants index<\/h1>/],
    ["/plants/p-7", /<h1>plant p-7 p-7<\/h1>/],
    ["/files/2025/report%20v2.csv", /<h1>file \[2025\/report v2.csv\]<\/h1>/],
    ["/dispatch", /<h1>dispatch /],
  ];
  for (const [path, expected] of rows) {
    const { status, body } = await html(path);
    assert.equal(status, 200, path);
    assert.match(body, expected, path);
  }
  const api = await get("/api/plants/p-7");
  assert.equal(api.status, 200);
  assert.deepEqual(await api.json(), { id: "p-7" });
});

Deno.test("App prefers static segments over [param] over [...rest]", async () => {
  assert.match((await html("/plants/new")).body, /new plant form/);
  assert.match((await html("/plants/new-ish")).body, /plant new-ish/);
  assert.match((await html("/catch/one")).body, /catch param one/);
  assert.match((await html("/catch/one/two")).body, /catch rest one\/two/);
  assert.match((await html("/files")).body, /file \[\]/, "a rest segment also matches nothing");
});

Deno.test("App answers unknown paths with _404 for pages and problem+json under /api/", async () => {
  const page = await html("/no/such/page");
  assert.equal(page.status, 404);
  assert.equal(page.res.headers.get("Content-Type"), "text/html; charset=utf-8");
  assert.match(
    page.body,
    /<body data-app="root"><div class="root-layout"><p class="root-404">missing \/no\/such\/page/,
  );

  const api = await get("/api/nope");
  assert.equal(api.status, 404);
  assert.equal(api.headers.get("Content-Type"), "application/problem+json");
  assert.deepEqual(await api.json(), {
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail: "Not Found",
    instance: "/api/nope",
  });
});

Deno.test("App answers a method the route lacks with 405 and Allow", async () => {
  const page = await html("/plants/p-7", { method: "POST" });
  assert.equal(page.status, 405);
  assert.equal(page.res.headers.get("Allow"), "GET, HEAD");
  assert.match(page.body, /class="root-error">405 POST is not allowed here/);

  const componentOnly = await html("/plants", { method: "DELETE" });
  assert.equal(componentOnly.status, 405);
  assert.equal(componentOnly.res.headers.get("Allow"), "GET, HEAD");

  const api = await get("/api/plants/p-7", { method: "PATCH" });
  assert.equal(api.status, 405);
  assert.equal(api.headers.get("Allow"), "GET, HEAD, DELETE");
  assert.equal((await api.json()).status, 405);

  const deleted = await get("/api/plants/p-7", { method: "DELETE" });
  assert.equal(deleted.status, 204);
  await deleted.body?.cancel();
});

Deno.test("App answers HEAD with the GET handler's headers and no body", async () => {
  const page = await get("/plants/p-7", { method: "HEAD" });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("X-Plant"), "p-7");
  assert.equal(page.headers.get("Content-Type"), "text/html; charset=utf-8");
  assert.equal(page.body, null);

  const api = await get("/api/plants/p-7", { method: "HEAD" });
  assert.equal(api.status, 200);
  assert.equal(await api.text(), "");
});

Deno.test("App passes every method to a handler function", async () => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
    const res = await get("/api/any", { method });
    assert.deepEqual(await res.json(), { method });
  }
});

Deno.test("App runs middleware outer first, arrays in order, sharing ctx.state", async () => {
  const api = await get("/api/state");
  assert.deepEqual(await api.json(), ["app", "root-a", "root-b", "api"]);
  assert.equal(api.headers.get("X-Trail"), "app,root-a,root-b,api", "root-a wraps what runs after it");

  const group = await html("/dispatch");
  assert.match(group.body, /<h1>dispatch app,root-a,root-b,ops<\/h1>/, "a (group) scopes its _middleware");
  const plant = await get("/plants/p-7");
  assert.equal(plant.headers.get("X-Trail"), "app,root-a,root-b,plants");
  await plant.body?.cancel();
  const home = await html("/");
  assert.match(home.body, /<h1>home app,root-a,root-b<\/h1>/, "folder middleware stays in its folder");
});

Deno.test("App nests _layout files inside _app, outer first", async () => {
  const { body } = await html("/plants/p-7");
  assert.match(body, /^<!DOCTYPE html><html lang="en"><head><title>Plant p-7<\/title><\/head>/);
  assert.match(
    body,
    /<body data-app="root"><div class="root-layout"><section class="plants-layout"><h1>plant p-7 p-7<\/h1><\/section><\/div><\/body>/,
  );
  assert.match(
    (await html("/dispatch")).body,
    /<div class="root-layout"><div class="ops-layout"><h1>dispatch/,
  );
});

Deno.test("App honours skipInheritedLayouts and skipAppWrapper", async () => {
  const standalone = (await html("/plants/standalone")).body;
  assert.match(standalone, /<body data-app="root"><p class="standalone">no layouts<\/p><\/body>/);

  const bare = (await html("/bare")).body;
  assert.doesNotMatch(bare, /<html/);
  assert.equal(bare, '<!DOCTYPE html><div class="root-layout"><p class="bare">bare</p></div>');
});

Deno.test("App renders page(data, init) and ctx.render(data, init) with status and headers", async () => {
  const plant = await get("/plants/p-7");
  assert.equal(plant.headers.get("X-Plant"), "p-7");
  await plant.body?.cancel();

  const body = new FormData();
  body.set("name", "Solar Farm <7>");
  const saved = await html("/rendered", { method: "POST", body });
  assert.equal(saved.status, 201);
  assert.match(saved.body, /<p>saved Solar Farm &lt;7><\/p>/);
});

Deno.test("App uses config.routeOverride instead of the file name", async () => {
  assert.match((await html("/old/abc")).body, /legacy abc/);
  assert.equal((await html("/legacy")).status, 404);
});

Deno.test("App leaves files in (_name) folders out of the routes", async () => {
  assert.equal((await html("/Widget")).status, 404);
  assert.equal((await html("/(_components)/Widget")).status, 404);
});

Deno.test("ctx.redirect() folds a protocol-relative target into a local path", async () => {
  const local = await get("/redirect?to=/plants");
  assert.equal(local.status, 302);
  assert.equal(local.headers.get("Location"), "/plants");
  const sneaky = await get("/redirect?to=//evil.example/x");
  assert.equal(sneaky.headers.get("Location"), "/evil.example/x");
});
