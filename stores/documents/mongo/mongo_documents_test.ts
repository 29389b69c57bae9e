import assert from "node:assert/strict";
import { loadConfig } from "../../../core/config.ts";
import { StoreUnavailableError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/log.ts";
import { documentsContract } from "../documents_contract.ts";
import { openMongoDocuments } from "./mongo_documents.ts";

const MONGO_URL = loadConfig(Deno.env.toObject()).mongo.url;

if (MONGO_URL) {
  // Each test in a database of its own, dropped afterwards. Unreachable: the factory throws, the test fails.
  documentsContract(async () => {
    const store = await openMongoDocuments({
      url: MONGO_URL,
      db: `gp_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
      log: silentLogger,
    });
    return {
      store,
      close: async () => {
        await store.dropDatabase();
        await store.close();
      },
    };
  }, "mongo MONGO_URL");
}

Deno.test("openMongoDocuments() throws StoreUnavailableError naming the masked URL when unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `mongodb://gp:secret@127.0.0.1:${port}/?directConnection=true`;
  const error = await openMongoDocuments({ url, log: silentLogger, serverSelectionTimeoutMs: 300 }).then(
    () => assert.fail("expected a failure"),
    (e) => e,
  );
  assert.ok(error instanceof StoreUnavailableError);
  assert.equal(error.store, "documents");
  assert.match(error.message, /MongoDB at mongodb:\/\/gp:\*\*\*\*@127\.0\.0\.1:\d+/);
  assert.doesNotMatch(error.message, /secret/);
});
