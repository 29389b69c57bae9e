import assert from "node:assert/strict";
import { App } from "./app.ts";
import { trailingSlashes } from "./trailing_slashes.ts";

function app(mode: "always" | "never") {
  const handler = new App().use(trailingSlashes(mode)).use((ctx) =>
    new Response(`${ctx.req.method} ${ctx.url.pathname}${ctx.url.search}`)
  ).handler();
  return (path: string, init?: RequestInit) => handler(new Request(`http://localhost${path}`, init));
}

Deno.test("trailingSlashes('never') redirects with 307 to the path without its final slash, query kept", async () => {
  const get = app("never");
  const res = await get("/api/plants/?page=2&page_size=5");
  assert.equal(res.status, 307); // the method and body are sent again: POST /api/auth/token/ logs in
  assert.equal(res.headers.get("location"), "/api/plants?page=2&page_size=5");
  assert.equal((await get("/api/health//")).headers.get("location"), "/api/health");
  assert.equal(await (await get("/api/plants")).text(), "GET /api/plants");
  assert.equal(await (await get("/")).text(), "GET /");
  const post = await get("/api/auth/token/", { method: "POST", body: "{}" });
  assert.equal(post.status, 307);
  assert.equal(post.headers.get("location"), "/api/auth/token");
});

Deno.test("trailingSlashes never redirects to another host", async () => {
  // `//evil.example/` without its slash is the protocol-relative URL of another site
  const res = await app("never")("//evil.example/");
  assert.equal(res.status, 307);
  assert.equal(res.headers.get("location"), "/evil.example");
});

Deno.test("trailingSlashes('always') adds the slash", async () => {
  const get = app("always");
  assert.equal((await get("/plants?x=1")).headers.get("location"), "/plants/?x=1");
  assert.equal(await (await get("/plants/")).text(), "GET /plants/");
});
