import assert from "node:assert/strict";
import { loadMigrations, migrate } from "./migrate.ts";
import { pgBackends, withTestDatabase } from "./testing.ts";

const SEED_TABLES = [
  "plants",
  "meter_readings",
  "alerts",
  "flexibility_offers",
  "portfolios",
  "sites",
  "meters",
  "assets",
  "asset_connections",
  "energy_sources",
  "grid_links",
  "recommendations",
  "measurements",
  "vens",
  "ven_loads",
  "ven_telemetry",
  "ven_load_samples",
  "ven_statuses",
  "adr_programs",
  "adr_events",
  "adr_participation",
  "users",
  "refresh_tokens",
  "alert_rules",
  "ingestion_log",
  "rollup_1m",
  "rollup_10m",
  "rollup_30m",
  "rollup_3h",
  "rollup_6h",
  "rollup_recompute",
  "actor_snapshots",
  "doc_audit",
  "doc_market_signals",
  "doc_dispatch_log",
  "doc_telemetry_events",
];

Deno.test("loadMigrations() returns the files in version order with checksums", async () => {
  const all = await loadMigrations();
  assert.ok(all.length >= 4);
  assert.deepEqual(all.map((m) => m.version), [...all.map((m) => m.version)].sort((a, b) => a - b));
  for (const m of all) assert.match(m.checksum, /^[0-9a-f]{64}$/);
});

for (const backend of pgBackends()) {
  Deno.test(`migrate() creates every table of the seeds and is idempotent (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      const rows = await sql<{ table_name: string }[]>`
        select table_name from information_schema.tables where table_schema = 'public'`;
      const tables = new Set(rows.map((r) => r.table_name));
      for (const t of SEED_TABLES) assert.ok(tables.has(t), `table ${t} missing`);
      assert.deepEqual(await migrate(sql), []);
    });
  });

  Deno.test(`migrate() refuses an applied migration whose file changed (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      const all = await loadMigrations();
      const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
      await assert.rejects(migrate(sql, edited), /was changed after it was applied/);
    });
  });

  Deno.test(`migrate() rolls back every pending migration when one fails (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      const extra = [
        { version: 9001, name: "ok", sql: "create table t_ok (id int)", checksum: "a".repeat(64) },
        { version: 9002, name: "bad", sql: "create table t_bad (id nosuchtype)", checksum: "b".repeat(64) },
      ];
      await assert.rejects(migrate(sql, [...await loadMigrations(), ...extra]), /9002_bad failed/);
      const [{ n }] = await sql<
        { n: number }[]
      >`select count(*)::int as n from pg_tables where tablename = 't_ok'`;
      assert.equal(n, 0);
    });
  });

  Deno.test(`alerts allow one open alert per entity and dedupe key (${backend})`, async () => {
    await withTestDatabase(backend, async ({ sql }) => {
      const [plant] = await sql`insert into plants (name, asset_type, capacity_mw) values ('P', 'solar', 10)
        returning id`;
      const insert = () =>
        sql`insert into alerts (entity_kind, entity_id, plant_id, type, severity, message, dedupe_key, ts,
          last_seen_at) values ('plant', ${plant.id}, ${plant.id}, 'Spike', 'warning', 'x', 'Spike:power_mw',
          now(), now())`;
      await insert();
      await assert.rejects(insert(), /alerts_open_dedupe/);
      await sql`update alerts set resolved_at = now()`;
      await insert();
      const rows = await sql`select state from alerts order by ts`;
      assert.deepEqual(rows.map((r) => r.state).sort(), ["open", "resolved"]);
    });
  });
}
