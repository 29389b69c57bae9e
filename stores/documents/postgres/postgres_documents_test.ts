import assert from "node:assert/strict";
import { silentLogger } from "../../../core/log.ts";
import { openTestDatabase, pgBackends, withTestDatabase } from "../../postgres/testing.ts";
import { documentsContract } from "../documents_contract.ts";
import { openPostgresDocuments } from "./postgres_documents.ts";
import { pgFind } from "./pg_query.ts";

for (const backend of pgBackends()) {
  documentsContract(async () => {
    const db = await openTestDatabase(backend);
    const store = openPostgresDocuments({ sql: db.sql, log: silentLogger, sweepIntervalMs: 0 });
    return {
      store,
      close: async () => {
        await store.close();
        await db.close();
      },
    };
  }, `postgres ${backend}`);

  Deno.test(`postgresDocuments.sweepExpired() deletes expired telemetry events only (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const store = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
      const now = Date.now();
      await store.insert("telemetry_events", [
        { id: "gone", timestamp: new Date(now - 10_000), expiresAt: new Date(now - 1), kind: "raw" },
        { id: "stays", timestamp: new Date(now), expiresAt: new Date(now + 60_000), kind: "raw" },
      ]);
      assert.equal(await store.sweepExpired(), 1);
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from doc_telemetry_events`;
      assert.equal(n, 1);
      await store.close();
    }));

  Deno.test(`postgresDocuments stores U+0000 in strings and keys as U+FFFD instead of failing forever (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const store = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
      await store.insert("telemetry_events", [
        {
          id: "nul",
          timestamp: new Date(),
          kind: "rejected",
          payload: '{"mw":1}\0',
          details: { "k\0": ["a\0"] },
        },
      ]);
      const [doc] = await store.find("telemetry_events", { where: { kind: "rejected" } });
      assert.equal(doc.payload, '{"mw":1}\uFFFD');
      assert.deepEqual(doc.details, { "k\uFFFD": ["a\uFFFD"] });
      await store.close();
    }));

  Deno.test(`postgresDocuments sweeper runs on its interval and stops on close() (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const store = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 50 });
      await store.insert("telemetry_events", [
        { id: "gone", timestamp: new Date(), expiresAt: new Date(Date.now() - 1), kind: "raw" },
      ]);
      const deadline = Date.now() + 3_000;
      while ((await sql`select 1 from doc_telemetry_events`).length > 0) {
        assert.ok(Date.now() < deadline, "sweeper did not run");
        await new Promise((r) => setTimeout(r, 20));
      }
      await store.close();
    }));

  Deno.test(`migration 0010 gives a filtered newest-first query an index (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plan = await sql.unsafe(
        `set local enable_seqscan = off; explain select id from doc_audit
         where (body ->> 'action') = 'login' order by ts desc limit 10`,
      ).catch(async () => {
        await sql`set enable_seqscan = off`;
        return await sql`explain select id from doc_audit where (body ->> 'action') = 'login' order by ts desc limit 10`;
      });
      const text = JSON.stringify(plan);
      assert.match(text, /doc_audit_action_ts/);
    }));

  Deno.test(`migration 0130 answers a reason's equality and prefix from one index (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const store = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
      await store.insert(
        "telemetry_events",
        Array.from({ length: 200 }, (_, i) => ({
          timestamp: new Date(Date.now() - i * 1000),
          kind: "rejected",
          reason: `reason ${i % 20}`,
        })),
      );
      await sql`analyze doc_telemetry_events`;
      for (const query of [{ where: { reason: "reason 7" } }, { startsWith: { reason: "reason 1" } }]) {
        const { text: statement, params } = pgFind("telemetry_events", { ...query, limit: 10 });
        const plan = await sql.begin(async (tx) => {
          await tx`set local enable_seqscan = off`;
          return await tx.unsafe(`explain ${statement}`, params as never[]);
        });
        const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
        assert.match(text, /doc_telemetry_events_reason_ts/, JSON.stringify(query));
        assert.match(text, /Index Cond: \(+\(body ->> 'reason'/, "the reason bounds the index scan");
      }
      await store.close();
    }));
}
