import assert from "node:assert/strict";
import { runChain } from "./compose.ts";
import { Context } from "./context.ts";
import type { Middleware } from "./types.ts";

function context(): Context<{ seen: string[] }> {
  const req = new Request("http://localhost/x");
  const ctx = new Context<{ seen: string[] }>(req, new URL(req.url), {}, undefined, () => Promise.reject());
  ctx.state.seen = [];
  return ctx;
}

Deno.test("runChain() runs middleware outer first and unwinds inner first", async () => {
  const ctx = context();
  const step = (name: string): Middleware<{ seen: string[] }> => async (c) => {
    c.state.seen.push(`>${name}`);
    const res = await c.next();
    c.state.seen.push(`<${name}`);
    return res;
  };
  const res = await runChain(ctx, [step("a"), step("b")], () => {
    ctx.state.seen.push("route");
    return Promise.resolve(new Response("ok"));
  });
  assert.equal(await res.text(), "ok");
  assert.deepEqual(ctx.state.seen, [">a", ">b", "route", "<b", "<a"]);
});

Deno.test("runChain() lets a middleware answer without calling next()", async () => {
  const res = await runChain(context(), [() => new Response("short", { status: 401 })], () => {
    throw new Error("not reached");
  });
  assert.equal(res.status, 401);
  await res.body?.cancel();
});

Deno.test("runChain() propagates errors to outer middleware", async () => {
  const res = await runChain(context(), [async (c) => {
    try {
      return await c.next();
    } catch (err) {
      return new Response(String((err as Error).message), { status: 418 });
    }
  }], () => Promise.reject(new Error("inner")));
  assert.equal(res.status, 418);
  assert.equal(await res.text(), "inner");
});

Deno.test("runChain() rejects a second next() and a middleware that returns no Response", async () => {
  const twice: Middleware<unknown> = async (c) => {
    await c.next();
    return c.next();
  };
  await assert.rejects(
    runChain(context(), [twice], () => Promise.resolve(new Response())),
    /called more than once/,
  );
  const silent = (() => undefined) as unknown as Middleware<unknown>;
  await assert.rejects(runChain(context(), [silent], () => Promise.resolve(new Response())), TypeError);
});

Deno.test("Context.json() and Context.redirect() build the usual responses", async () => {
  const ctx = context();
  const json = ctx.json({ ok: true }, { status: 201 });
  assert.equal(json.status, 201);
  assert.deepEqual(await json.json(), { ok: true });
  assert.equal(ctx.redirect("/plants", 303).status, 303);
  assert.equal(ctx.redirect("/\\evil.example").headers.get("Location"), "/evil.example");
  assert.equal(
    ctx.redirect("https://gridpulse.example/x").headers.get("Location"),
    "https://gridpulse.example/x",
  );
  await assert.rejects(ctx.next(), /outside a middleware chain/);
});
