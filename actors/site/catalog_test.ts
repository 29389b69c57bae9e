import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../../stores/postgres/testing.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import { raiseAlert } from "../alerts.ts";
import type { Effect } from "../kind.ts";
import { loadSpecs } from "../loader.ts";
import { appendRow, type Sink, type SinkRows } from "../sink.ts";
import { alertsSink } from "../sinks/alerts.ts";
import { measurementsSink, siteCatalog } from "./catalog.ts";
import { alertKeys } from "./config.ts";
import { meterEntity } from "./meters.ts";
import { insertAsset, insertEnergySource, insertMeter, insertSite } from "./testing.ts";

async function write(sql: Sql, sink: Sink, rows: Record<string, unknown>[]): Promise<number> {
  const batch: SinkRows = { count: 0, columns: {} };
  for (const row of rows) appendRow(batch, sink.columns, row);
  return await sql.begin((tx) => sink.write(tx, batch.columns, batch.count)) as number;
}
const ctx = { now: () => Date.UTC(2026, 0, 1), uuid: () => crypto.randomUUID() };
const rowOf = (effects: Effect[]) => effects.flatMap((e) => (e.type === "write" ? [e.row] : []));

for (const backend of pgBackends()) {
  Deno.test(`site catalog, measurements and meter alerts on PostgreSQL (${backend})`, (t) =>
    withTestDatabase(backend, async ({ sql }) => {
      const site = await insertSite(sql);
      const other = await insertSite(sql);
      const cons = await insertMeter(sql, site, {
        category: "CONS",
        frequency: "15min",
        detection: { gap: { factor: 2 } },
      });
      const prod = await insertMeter(sql, site, { category: "PROD", frequency: "hourly" });
      const retired = await insertMeter(sql, site);
      await sql`update meters set active = false where id = ${retired}`;
      const elsewhere = await insertMeter(sql, other, { frequency: "daily" });

      await t.step(
        "loadConfigs() gives each site its active meters, their intervals and their rules",
        async () => {
          await sql`
          insert into alert_rules (name, entity_kind, entity_id, metric, comparator, threshold)
          values ('all meters', 'meter', null, 'power', 'above', 1000), ('cons', 'meter', ${cons}, 'power', 'below', 0),
                 ('elsewhere', 'meter', ${elsewhere}, 'voltage', 'above', 250), ('vens', 'ven', null, 'used_power_kw', 'above', 1)`;
          assert.deepEqual((await siteCatalog.listIds(sql)).sort(), [site, other].sort());
          const configs = await siteCatalog.loadConfigs(sql, [site, other]);
          const config = configs.get(site)!;
          assert.deepEqual(Object.keys(config.meters).sort(), [cons, prod].sort());
          assert.deepEqual(
            [
              config.meters[cons].expectedIntervalS,
              config.meters[cons].detection.gap.factor,
              config.meters[cons].category,
            ],
            [900, 2, "CONS"],
          );
          assert.equal(config.meters[prod].expectedIntervalS, 3600);
          assert.deepEqual(config.rules.map((r) => [r.name, r.meterId]).sort(), [["all meters", null], [
            "cons",
            cons,
          ]]);
          assert.equal(configs.get(other)!.meters[elsewhere].expectedIntervalS, 86_400);
          assert.deepEqual(configs.get(other)!.rules.map((r) => r.name).sort(), ["all meters", "elsewhere"]);
        },
      );

      await t.step("the measurements sink writes meter rows once", async () => {
        const row = {
          entity_type: "meter",
          entity_id: cons,
          site_id: site,
          ts: ctx.now(),
          metric: "power",
          value: 12.5,
          unit: "kW",
          quality: "estimated",
        };
        assert.equal(
          await write(sql, measurementsSink, [row, { ...row, metric: "voltage", value: 231, unit: "V" }]),
          2,
        );
        assert.equal(await write(sql, measurementsSink, [row]), 0, "a redelivery adds nothing");
        const [stored] =
          await sql`select entity_type, quality::text, unit from measurements where entity_id = ${cons} and metric = 'power'`;
        assert.deepEqual({ ...stored }, { entity_type: "meter", quality: "estimated", unit: "kW" });
      });

      await t.step(
        "loadConfigs() gives each site its active assets and energy sources; the sink writes their rows",
        async () => {
          const chiller = await insertAsset(sql, site, "chiller");
          const retiredAsset = await insertAsset(sql, site, "pump");
          await sql`update assets set active = false where id = ${retiredAsset}`;
          const pv = await insertEnergySource(sql, site, "solar");
          const battery = await insertEnergySource(sql, other, "battery");
          const configs = await siteCatalog.loadConfigs(sql, [site, other]);
          assert.deepEqual(Object.keys(configs.get(site)!.assets), [chiller]);
          assert.equal(configs.get(site)!.assets[chiller].type, "chiller");
          assert.deepEqual(Object.keys(configs.get(site)!.energySources), [pv]);
          assert.deepEqual(configs.get(other)!.assets, {});
          assert.deepEqual(configs.get(other)!.energySources[battery], {
            name: (await sql`select name from energy_sources where id = ${battery}`)[0].name,
            type: "battery",
          });
          const row = {
            site_id: site,
            ts: ctx.now(),
            metric: "power",
            value: 3,
            unit: "kW",
            quality: "good",
          };
          assert.equal(
            await write(sql, measurementsSink, [
              { ...row, entity_type: "asset", entity_id: chiller },
              { ...row, entity_type: "energy_source", entity_id: pv },
            ]),
            2,
          );
          const stored = await sql`
            select entity_type, entity_id from measurements where entity_id in (${chiller}, ${pv}) order by entity_type`;
          assert.deepEqual(stored.map((r) => [r.entity_type, r.entity_id]), [["asset", chiller], [
            "energy_source",
            pv,
          ]]);
          const points = measurementsSink.series!(
            {
              entity_type: ["meter", "asset", "energy_source"],
              entity_id: [cons, chiller, pv],
              site_id: [site, site, site],
              metric: ["power", "power", "power"],
              value: [1, 2, 3],
              ts: [1, 1, 1],
            },
            3,
          );
          assert.deepEqual(points.map((p) => Object.keys(p.tags).sort()), [
            ["meter_id", "metric", "site_id"],
            ["asset_id", "metric", "site_id"],
            ["energy_source_id", "metric", "site_id"],
          ]);
        },
      );

      await t.step(
        "a meter's alert is stored with its site and meter, and restored to the site's actor",
        async () => {
          const raised = raiseAlert({}, meterEntity(site, cons), {
            type: "System",
            dedupeKey: alertKeys.gap(cons),
            severity: "warning",
            message: "no data",
            ts: ctx.now(),
          }, ctx);
          const removed = raiseAlert({}, meterEntity(other, crypto.randomUUID()), {
            type: "System",
            dedupeKey: "System:gap:gone",
            severity: "warning",
            message: "a meter deleted meanwhile",
            ts: ctx.now(),
          }, ctx);
          assert.equal(
            await write(sql, alertsSink, [...rowOf(raised.effects), ...rowOf(removed.effects)]),
            1,
          );
          const [alert] = await sql`select entity_kind, entity_id, site_id, meter_id from alerts`;
          assert.deepEqual({ ...alert }, {
            entity_kind: "meter",
            entity_id: cons,
            site_id: site,
            meter_id: cons,
          });
          const [spec] = await loadSpecs(sql, "site", [site]);
          assert.deepEqual(spec.openAlerts.map((a) => a.dedupeKey), [alertKeys.gap(cons)]);
          assert.deepEqual((await loadSpecs(sql, "site", [other]))[0].openAlerts, []);
        },
      );
    }));
}
