import assert from "node:assert/strict";
import { CHANGES_CHANNEL } from "../../stores/cache/cache.ts";
import { withApi } from "../../api/testing.ts";
import { changeStream } from "../../api/stream.ts";

Deno.test("health, readiness, schema, docs, metrics and the live stream", async (t) => {
  await withApi("embedded", async (api) => {
    await t.step("health answers without a token", async () => {
      assert.equal((await api.json("GET", "/api/health")).status, "ok");
      await api.problem("GET", "/api/health?verbose=1", 400);
    });
    await t.step("seed 003's paths with a final slash are redirected (307) to the route", async () => {
      for (const path of ["/api/health/", "/api/ready/", "/api/schema/", "/api/docs/"]) {
        const res = await api.request("GET", path);
        await res.body?.cancel();
        assert.equal(res.status, 307, path);
        const location = res.headers.get("location")!;
        assert.equal(location, path.slice(0, -1));
        const followed = await api.request("GET", location);
        await followed.body?.cancel();
        assert.equal(followed.status, 200, location);
      }
      const login = await api.request("POST", "/api/auth/token/", { body: { username: "x", password: "y" } });
      await login.body?.cancel();
      assert.equal(login.status, 307); // a client following it posts the same body to /api/auth/token
      assert.equal(login.headers.get("location"), "/api/auth/token");
    });
    await t.step(
      "ready lists the stores; locations only for a signed-in caller; 503 when a required one is down",
      async () => {
        const ready = await api.json<{ status: string; stores: { store: string; location?: string }[] }>(
          "GET",
          "/api/ready",
        );
        assert.equal(ready.status, "ready");
        const health = api.services.health;
        api.services.health = () =>
          Promise.resolve([
            {
              store: "postgres",
              backend: "PostgreSQL",
              state: "down",
              required: true,
              location: "db:5432",
              error: "refused",
            },
            { store: "series", backend: "off", state: "up", required: false },
          ]);
        try {
          const res = await api.request("GET", "/api/ready");
          assert.equal(res.status, 503);
          const body = await res.json();
          assert.equal(body.status, "unavailable");
          assert.equal(body.stores[0].location, undefined);
          const signedIn = await (await api.request("GET", "/api/ready", { as: "viewer" })).json();
          assert.equal(signedIn.stores[0].error, "refused");
        } finally {
          api.services.health = health;
        }
      },
    );
    await t.step("schema serves the OpenAPI document publicly", async () => {
      const res = await api.request("GET", "/api/schema");
      assert.equal(res.status, 200);
      const doc = await res.json();
      assert.equal(doc.openapi, "3.1.0");
      assert.ok(doc.paths["/api/alerts/recent"].get);
    });
    await t.step("docs serves Swagger UI from local files only", async () => {
      const res = await api.request("GET", "/api/docs");
      const html = await res.text();
      assert.match(res.headers.get("content-type")!, /text\/html/);
      assert.match(res.headers.get("content-security-policy")!, /default-src 'self'/);
      for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
        assert.ok(src[1].startsWith("/api/docs/"), `${src[1]} is local`);
        const asset = await api.request("GET", src[1]);
        assert.equal(asset.status, 200, src[1]);
        assert.ok((await asset.arrayBuffer()).byteLength > 10, src[1]);
      }
      await api.problem("GET", "/api/docs/package.json", 404);
      await api.problem("GET", "/api/docs/..%2F..%2Fdeno.json", 404);
    });
    await t.step("metrics: the runtime's Prometheus text", async () => {
      const res = await api.request("GET", "/metrics");
      assert.match(res.headers.get("content-type")!, /text\/plain; version=0.0.4/);
      assert.match(await res.text(), /^gridpulse_actors 0$/m);
    });
    await t.step("stream: filtered change events over SSE; no subscription outlives the client", async () => {
      const plant = crypto.randomUUID();
      const controller = new AbortController();
      const res = await api.handler(
        new Request(`http://localhost/api/stream?kind=plant,alert&entity=${plant}`, {
          headers: { Authorization: `Bearer ${api.tokens.viewer}` },
          signal: controller.signal,
        }),
      );
      assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
      assert.equal(api.cache.subscriptions, 1);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      assert.match((await reader.read()).value!, /: connected/);
      const ts = new Date().toISOString();
      await api.cache.publish(CHANGES_CHANNEL, { kind: "ven", id: plant, type: "state", ts });
      await api.cache.publish(CHANGES_CHANNEL, { kind: "plant", id: crypto.randomUUID(), type: "state", ts });
      await api.cache.publish(CHANGES_CHANNEL, {
        kind: "alert",
        id: crypto.randomUUID(),
        entityId: plant,
        type: "alert.opened",
        ts,
      });
      await api.cache.publish(CHANGES_CHANNEL, {
        kind: "plant",
        id: plant,
        type: "state",
        ts,
        data: { mw: 3 },
      });
      const first = (await reader.read()).value!;
      const rest = first.includes("event: plant") ? first : first + (await reader.read()).value!;
      assert.match(rest, /^event: alert\ndata: .*"alert.opened"/m);
      assert.match(rest, /^event: plant\ndata: \{.*"mw":3/m);
      assert.doesNotMatch(rest, /event: ven/);
      controller.abort();
      await reader.cancel().catch(() => {});
      assert.equal(api.cache.subscriptions, 0);
      await api.problem("GET", "/api/stream?kind=meter", 400, { as: "viewer" });
      await api.problem("GET", "/api/stream", 401);
    });
    await t.step("stream: heartbeats while idle, and a cancelled reader unsubscribes", async () => {
      const res = await changeStream(api.services, new AbortController().signal, {
        kinds: new Set(),
        entities: new Set(),
      }, {
        heartbeatMs: 10,
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      await reader.read();
      assert.equal((await reader.read()).value, ": ping\n\n");
      await reader.cancel();
      assert.equal(api.cache.subscriptions, 0);
    });
  });
});
