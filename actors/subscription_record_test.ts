import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { waitFor } from "./runtime_testing.ts";
import { SubscriptionRecord } from "./subscription_record.ts";

for (const backend of pgBackends()) {
  Deno.test(`SubscriptionRecord: what one run notes, the next start holds for its prefix; forget deletes it (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const rows = async () =>
        (await sql<{ actor_key: string; client_id: string }[]>`
          select actor_key, client_id from actor_subscriptions order by actor_key`).map((r) => ({ ...r }));
      const first = new SubscriptionRecord({ sql, log: silentLogger, clientIdPrefix: "gp" });
      await first.load();
      assert.equal(first.holds("plant:a"), false);
      first.note(["plant:a", "plant:b"], "gp-shard-1");
      first.note(["ven:c"], "gp-shard-2");
      await waitFor(async () => (await rows()).length === 3, "three rows");
      await first.close();
      assert.deepEqual(await rows(), [
        { actor_key: "plant:a", client_id: "gp-shard-1" },
        { actor_key: "plant:b", client_id: "gp-shard-1" },
        { actor_key: "ven:c", client_id: "gp-shard-2" },
      ]);

      const second = new SubscriptionRecord({ sql, log: silentLogger, clientIdPrefix: "gp" });
      await second.load();
      assert.equal(second.holds("plant:a"), true);
      assert.equal(second.holds("plant:x"), false);
      const other = new SubscriptionRecord({ sql, log: silentLogger, clientIdPrefix: "other" });
      await other.load();
      assert.equal(other.holds("plant:a"), false, "another prefix's sessions are not ours");

      // the same session again: nothing to write; another session (SHARDS changed): rewritten
      const [{ before }] = await sql<{ before: Date }[]>`
        select updated_at as before from actor_subscriptions where actor_key = 'plant:a'`;
      second.note(["plant:a"], "gp-shard-1");
      second.note(["plant:b"], "gp-shard-5");
      await waitFor(
        async () => (await rows()).find((r) => r.actor_key === "plant:b")?.client_id === "gp-shard-5",
        "plant:b moved",
      );
      const [{ after }] = await sql<{ after: Date }[]>`
        select updated_at as after from actor_subscriptions where actor_key = 'plant:a'`;
      assert.equal(after.getTime(), before.getTime());

      await second.forget("plant:a");
      await second.close();
      assert.deepEqual((await rows()).map((r) => r.actor_key), ["plant:b", "ven:c"]);

      // a stop right after noting more than one statement's worth writes all of it
      const third = new SubscriptionRecord({ sql, log: silentLogger, clientIdPrefix: "gp" });
      third.note(Array.from({ length: 2_500 }, (_, i) => `plant:n${i}`), "gp-shard-3");
      await third.close();
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from actor_subscriptions where client_id = 'gp-shard-3'`;
      assert.equal(n, 2_500);
    }));
}

Deno.test("SubscriptionRecord: a failed write is retried, and an actor forgotten meanwhile is not written back", async () => {
  let fail = true;
  const written: string[][] = [];
  const deleted: string[] = [];
  // deno-lint-ignore no-explicit-any
  const sql: any = (strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.join("?");
    if (text.includes("delete from actor_subscriptions")) {
      deleted.push(values[0] as string);
      return Promise.resolve([]);
    }
    if (fail) return new Promise((_, reject) => setTimeout(() => reject(new Error("database down")), 30));
    written.push(String(values[0]).slice(1, -1).split(",").map((v) => JSON.parse(v)));
    return Promise.resolve([]);
  };
  const record = new SubscriptionRecord({ sql, log: silentLogger, clientIdPrefix: "gp", retryMs: 20 });
  record.note(["plant:a", "plant:b"], "gp-shard-0");
  await new Promise((r) => setTimeout(r, 10)); // the first write is in flight, and fails
  const forgetting = record.forget("plant:b");
  fail = false;
  await forgetting;
  await waitFor(() => written.length === 1, "the retried write");
  await record.close();
  assert.deepEqual(written, [["plant:a"]]);
  assert.deepEqual(deleted, ["plant:b"]);
});
