import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { COLLECTIONS } from "../stores/documents/documents.ts";
import { openPostgresDocuments } from "../stores/documents/postgres/postgres_documents.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { SEEDED_TABLES } from "./cli.ts";
import { isEmpty, populate } from "./run_all.ts";
import { SPIKE_BASELINE_READINGS } from "./plant_series.ts";

// Fixed for the whole file (both runs of a test see the same window), and recent: telemetry events expire after 7 days.
const NOW = Date.now();
const ID_TABLES = [
  "portfolios",
  "sites",
  "meters",
  "assets",
  "plants",
  "flexibility_offers",
  "alerts",
  "vens",
  "adr_events",
  "users",
];

async function snapshot(sql: Sql) {
  const counts: Record<string, number> = {};
  for (const t of SEEDED_TABLES) counts[t] = (await sql`select count(*)::int as n from ${sql(t)}`)[0].n;
  const ids: Record<string, string[]> = {};
  for (const t of ID_TABLES) {
    ids[t] = (await sql`select id::text from ${sql(t)} order by id`).map((r) => r.id);
  }
  const docs: Record<string, string[]> = {};
  for (const t of ["doc_audit", "doc_market_signals", "doc_dispatch_log", "doc_telemetry_events"]) {
    docs[t] = (await sql`select id from ${sql(t)} order by id`).map((r) => r.id);
  }
  return { counts, ids, docs };
}

for (const backend of pgBackends()) {
  Deno.test(`populate() twice with the same now yields identical row counts and ids (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const documents = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
      const namespace = crypto.randomUUID();
      const options = {
        sql,
        documents,
        now: NOW,
        namespace,
        adminPassword: "admin-pass-1",
        demoPassword: "demo-pass-1",
      };
      assert.equal(await isEmpty(sql), true);
      const first = await populate(options);
      const before = await snapshot(sql);
      const second = await populate(options);
      assert.deepEqual(await snapshot(sql), before);
      assert.deepEqual(second.ids, first.ids);
      assert.equal(await isEmpty(sql), false);
      await documents.close();
    }));

  Deno.test(`populate() writes coherent data: anomalies match their alerts (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const documents = openPostgresDocuments({ sql, log: silentLogger, sweepIntervalMs: 0 });
      const progress: string[] = [];
      await populate({
        sql,
        documents,
        now: NOW,
        namespace: crypto.randomUUID(),
        adminPassword: "admin-pass-1",
        demoPassword: "demo-pass-1",
        onProgress: (p) => progress.push(p.step),
      });
      assert.ok(progress.includes("meter readings (1 min, 24 h)") && progress.includes("documents: audit"));
      await checkNonEmpty(sql, documents);
      await checkSpikes(sql);
      await checkThresholds(sql);
      await checkGaps(sql);
      await checkRollupsAndAdr(sql);
      await documents.close();
    }));
}

async function checkNonEmpty(sql: Sql, documents: ReturnType<typeof openPostgresDocuments>) {
  for (const t of SEEDED_TABLES) {
    const [{ n }] = await sql`select count(*)::int as n from ${sql(t)}`;
    assert.ok(n > 0, `table ${t} is empty`);
  }
  for (const c of COLLECTIONS) assert.ok((await documents.count(c)) > 0, `collection ${c} is empty`);
  const [{ n }] = await sql`select count(*)::int as n from meter_readings`;
  assert.ok(n > 17_000, `expected ~17k readings, got ${n}`);
  const enums = await sql`select
    (select count(distinct category) from meters)::int as categories,
    (select count(distinct reading_frequency) from meters)::int as frequencies,
    (select count(distinct source_type) from energy_sources)::int as sources,
    (select count(distinct relationship) from asset_connections)::int as relationships,
    (select count(distinct direction) from asset_connections)::int as directions,
    (select count(distinct status) from flexibility_offers)::int as offer_statuses,
    (select count(distinct status) from adr_events)::int as event_statuses,
    (select count(distinct asset_type) from plants)::int as plant_types,
    (select count(*) from assets where parent_id is not null)::int as children`;
  assert.deepEqual(enums[0], {
    categories: 4,
    frequencies: 5,
    sources: 7,
    relationships: 3,
    directions: 3,
    offer_statuses: 7,
    event_statuses: 4,
    plant_types: 6,
    children: enums[0].children,
  });
  assert.ok(enums[0].children > 0);
  // every active asset and energy source has measurements, stored under its own site
  const [measured] = await sql`select
    (select count(*) from assets a where not exists (select 1 from measurements m
       where m.entity_type = 'asset' and m.entity_id = a.id and m.site_id = a.site_id))::int as assets,
    (select count(*) from energy_sources e where not exists (select 1 from measurements m
       where m.entity_type = 'energy_source' and m.entity_id = e.id and m.site_id = e.site_id))::int as sources,
    (select count(distinct entity_type) from measurements)::int as types`;
  assert.deepEqual({ ...measured }, { assets: 0, sources: 0, types: 3 });
}

async function checkSpikes(sql: Sql) {
  const spikes = await sql`select a.plant_id, a.ts, a.value, a.baseline from alerts a where a.type = 'Spike'`;
  assert.ok(spikes.length >= 3);
  for (const s of spikes) {
    const [reading] =
      await sql`select value from meter_readings where plant_id = ${s.plant_id} and ts = ${s.ts}`;
    const before = await sql`select value from meter_readings where plant_id = ${s.plant_id} and ts < ${s.ts}
      order by ts desc limit ${SPIKE_BASELINE_READINGS}`;
    const mean = before.reduce((a, r) => a + r.value, 0) / before.length;
    assert.equal(before.length, SPIKE_BASELINE_READINGS);
    assert.equal(reading.value, s.value);
    assert.ok(reading.value > 3 * mean, `spike ${reading.value} is not > 3 x ${mean}`);
    assert.ok(Math.abs(s.baseline - mean) < 0.01);
  }
}

async function checkThresholds(sql: Sql) {
  const alerts =
    await sql`select a.plant_id, a.ts, a.last_seen_at, a.occurrences, a.value, a.threshold, p.capacity_mw
    from alerts a join plants p on p.id = a.plant_id where a.type = 'ThresholdExceeded'`;
  assert.ok(alerts.length >= 2);
  for (const a of alerts) {
    assert.equal(a.threshold, a.capacity_mw);
    const above = await sql`select value from meter_readings where plant_id = ${a.plant_id}
      and ts between ${a.ts} and ${a.last_seen_at} and value > ${a.capacity_mw}`;
    assert.equal(above.length, a.occurrences);
    assert.equal(Math.max(...above.map((r) => r.value)), a.value);
  }
  // and no reading exceeds capacity without such an alert covering it
  const [{ n }] = await sql`select count(*)::int as n from meter_readings r join plants p on p.id = r.plant_id
    where r.value > p.capacity_mw and not exists (select 1 from alerts a where a.plant_id = r.plant_id
      and a.type = 'ThresholdExceeded' and r.ts between a.ts and a.last_seen_at)`;
  assert.equal(n, 0);
}

async function checkGaps(sql: Sql) {
  const gaps =
    await sql`select plant_id, ts, resolved_at from alerts where type = 'System' and entity_kind = 'plant'`;
  assert.equal(gaps.length, 2);
  for (const g of gaps) {
    const [last] =
      await sql`select max(ts) as ts from meter_readings where plant_id = ${g.plant_id} and ts < ${g.ts}`;
    const [next] =
      await sql`select min(ts) as ts from meter_readings where plant_id = ${g.plant_id} and ts >= ${g.ts}`;
    assert.ok(g.ts.getTime() - last.ts.getTime() >= 3 * 60_000, "gap alert fires after 3 missed intervals");
    if (g.resolved_at) assert.equal(next.ts.getTime(), g.resolved_at.getTime(), "resolved when data resumed");
    else assert.equal(next.ts, null, "open gap: still no data");
  }
  const [ven] =
    await sql`select count(*)::int as n from alerts where entity_kind = 'ven' and type = 'System'`;
  assert.equal(ven.n, 1);
  const states = await sql`select state, count(*)::int as n from alerts group by state order by state`;
  assert.deepEqual(states.map((r) => r.state), ["acknowledged", "open", "resolved"]);
}

async function checkRollupsAndAdr(sql: Sql) {
  const rollups = await sql`select
    (select count(*) from meter_readings)::int as readings,
    (select sum(count) from rollup_1m where series = 'plant')::int as r1m,
    (select sum(count) from rollup_6h where series = 'plant')::int as r6h,
    (select count(*) from rollup_1m where min > max or last < min or last > max)::int as broken`;
  assert.equal(rollups[0].r1m, rollups[0].readings);
  assert.equal(rollups[0].r6h, rollups[0].readings);
  assert.equal(rollups[0].broken, 0);
  const shed = await sql`select p.opt, p.delivered_shed_kw from adr_participation p
    join adr_events e on e.id = p.event_id where e.status = 'completed'`;
  assert.ok(shed.some((r) => r.opt === "optOut"));
  for (const r of shed) {
    if (r.opt === "optIn") assert.ok(r.delivered_shed_kw > 0, "opted-in VENs shed load");
    else assert.equal(r.delivered_shed_kw, null);
  }
}
