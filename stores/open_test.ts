import assert from "node:assert/strict";
import { loadConfig } from "../core/config.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { silentLogger } from "../core/log.ts";
import { freePort } from "../core/local_process.ts";
import { openCache, openDocuments, openSeries } from "./open.ts";
import { withTestDatabase } from "./postgres/testing.ts";

const log = silentLogger;

Deno.test("openCache() gives the in-process cache without REDIS_URL", async () => {
  const cache = await openCache(loadConfig({}), { log });
  assert.equal(cache.backend, "memory");
  await cache.close();
});

Deno.test("openCache() throws StoreUnavailableError naming redis and its masked URL when unreachable", async () => {
  const config = loadConfig({ REDIS_URL: `redis://:pw@127.0.0.1:${freePort()}` });
  const error = await openCache(config, { log }).then(() => assert.fail("expected a failure"), (e) => e);
  assert.ok(error instanceof StoreUnavailableError);
  assert.equal(error.store, "cache");
  assert.match(error.message, /^Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+/);
});

Deno.test("openDocuments() gives the PostgreSQL fallback without MONGO_URL", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const documents = await openDocuments(loadConfig({}), { sql, log });
    assert.equal(documents.backend, "postgres");
    assert.equal((await documents.check()).state, "up");
    await documents.close();
  }));

Deno.test("openDocuments() throws StoreUnavailableError naming MongoDB when MONGO_URL is unreachable", async () => {
  const config = loadConfig({ MONGO_URL: `mongodb://127.0.0.1:${freePort()}/?serverSelectionTimeoutMS=300` });
  const error = await openDocuments(config, { sql: undefined as never, log }).then(
    () => assert.fail("expected a failure"),
    (e) => e,
  );
  assert.ok(error instanceof StoreUnavailableError);
  assert.match(error.message, /^MongoDB at mongodb:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("openSeries() is undefined without INFLUX_URL and throws when it is unreachable", async () => {
  assert.equal(await openSeries(loadConfig({}), { log }), undefined);
  const config = loadConfig({
    INFLUX_URL: `http://127.0.0.1:${freePort()}`,
    INFLUX_TOKEN: "t",
    INFLUX_ORG: "o",
    INFLUX_BUCKET: "b",
  });
  await assert.rejects(openSeries(config, { log }), StoreUnavailableError);
});
