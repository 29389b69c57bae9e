import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../../stores/postgres/testing.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import { appendRow, type Sink, type SinkRows } from "../sink.ts";
import { venCatalog } from "./catalog.ts";
import { venSinks } from "./sinks.ts";
import { insertAdrEvent, insertVen } from "./testing.ts";

/** Writes `rows` through `sink` in one transaction, as the writer would; returns the changed count. */
async function write(sql: Sql, sink: Sink, rows: Record<string, unknown>[]): Promise<number> {
  const batch: SinkRows = { count: 0, columns: {} };
  for (const row of rows) appendRow(batch, sink.columns, row);
  return await sql.begin((tx) => sink.write(tx, batch.columns, batch.count)) as number;
}
const sink = (name: string) => venSinks.find((s) => s.name === name)!;

for (const backend of pgBackends()) {
  Deno.test(`VEN catalog and sinks on PostgreSQL (${backend})`, (t) =>
    withTestDatabase(backend, async ({ sql }) => {
      await t.step(
        "venCatalog loads active VENs with detection, rules and their events not over",
        async () => {
          const ven = await insertVen(sql, { expectedIntervalS: 30, detection: { gap: { factor: 5 } } });
          const other = await insertVen(sql, { detection: { spike: { factor: "high" } } });
          const gone = await insertVen(sql);
          await sql`update vens set active = false where id = ${gone}`;
          await sql`
          insert into alert_rules (name, entity_kind, entity_id, metric, comparator, threshold)
          values ('mine', 'ven', ${ven}, 'used_power_kw', 'above', 100), ('all', 'ven', null, 'shed_power_kw', 'below', 1),
                 ('plants', 'plant', null, 'power_mw', 'above', 1)`;
          const start = new Date(Date.now() + 60_000);
          const upcoming = await insertAdrEvent(sql, [ven], { start, durationS: 600 });
          const cancelled = await insertAdrEvent(sql, [ven]);
          await sql`update adr_events set status = 'cancelled' where id = ${cancelled}`;
          await insertAdrEvent(sql, [ven], { start: new Date(Date.now() - 7_200_000), durationS: 60 }); // over
          await sql`update adr_participation set opt = 'optIn' where event_id = ${upcoming}`;

          assert.deepEqual((await venCatalog.listIds(sql)).sort(), [ven, other].sort());
          const configs = await venCatalog.loadConfigs(sql, [ven, other, gone]);
          assert.deepEqual([...configs.keys()].sort(), [ven, other].sort());
          const config = configs.get(ven)!;
          assert.equal(config.expectedIntervalS, 30);
          assert.equal(config.detection.gap.factor, 5);
          assert.equal(config.detection.event.baselineWindowS, 900);
          assert.deepEqual(config.rules.map((r) => r.name).sort(), ["all", "mine"]);
          assert.deepEqual(config.events, [
            {
              id: upcoming,
              name: "Test event",
              start: start.getTime(),
              end: start.getTime() + 600_000,
              opt: "optIn",
            },
          ]);
          assert.deepEqual(configs.get(other)!.rules.map((r) => r.name), ["all"]);
          assert.match(configs.get(other)!.detectionProblems![0], /^detection\.spike\.factor/);
        },
      );
      await t.step(
        "an event that started before the actor did carries its baseline from ven_telemetry",
        async () => {
          const ven = await insertVen(sql, { detection: { event: { baselineWindowS: 600 } } });
          const start = Date.now() - 60_000;
          const event = await insertAdrEvent(sql, [ven], {
            start: new Date(start),
            durationS: 600,
            status: "active",
          });
          for (const [dt, kw] of [[-700_000, 500], [-500_000, 80], [-100_000, 100], [30_000, 10]]) {
            await sql`insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
            values (${ven}, ${new Date(start + dt)}, ${kw}, 0, '{}')`;
          }
          const [schedule] = (await venCatalog.loadConfigs(sql, [ven])).get(ven)!.events;
          assert.equal(schedule.baselineKw, 90, "the mean of the 600 s before the start");
          const prepared = await venCatalog.prepareCommand!(sql, ven, {
            type: "event.changed",
            eventId: event,
          });
          assert.equal((prepared.event as { baselineKw: number }).baselineKw, 90);
        },
      );
      await t.step(
        "venCatalog.prepareCommand() completes event.changed with the schedule, or says it is gone",
        async () => {
          const [ven, stranger] = [await insertVen(sql), await insertVen(sql)];
          const start = new Date(Date.now() + 60_000);
          const event = await insertAdrEvent(sql, [ven], { start, durationS: 120 });
          const command = { type: "event.changed", eventId: event, status: "scheduled" };
          const prepared = await venCatalog.prepareCommand!(sql, ven, command);
          assert.deepEqual(prepared.event, {
            id: event,
            name: "Test event",
            start: start.getTime(),
            end: start.getTime() + 120_000,
            opt: "pending",
          });
          assert.equal((await venCatalog.prepareCommand!(sql, stranger, command)).status, "cancelled");
          await sql`update adr_events set status = 'cancelled' where id = ${event}`;
          assert.equal((await venCatalog.prepareCommand!(sql, ven, command)).status, "cancelled");
          await sql`delete from adr_events where id = ${event}`;
          assert.equal((await venCatalog.prepareCommand!(sql, ven, command)).status, "deleted");
          const other = { type: "alert.resolved", alertId: crypto.randomUUID() };
          assert.equal(await venCatalog.prepareCommand!(sql, ven, other), other);
        },
      );
      await t.step("VEN sinks write idempotently and skip rows of VENs deleted meanwhile", async () => {
        const [ven, deleted] = [await insertVen(sql), await insertVen(sql)];
        await sql`delete from vens where id = ${deleted}`;
        const ts = Date.UTC(2026, 0, 1, 12);
        const telemetry = [ven, deleted].map((id) => ({
          ven_id: id,
          ts,
          used_power_kw: 12,
          shed_power_kw: 2,
          raw: { ts, usedPowerKw: 12 },
        }));
        assert.equal(await write(sql, sink("ven_telemetry"), telemetry), 1);
        assert.equal(await write(sql, sink("ven_telemetry"), telemetry), 0, "a redelivery adds nothing");
        const load = {
          ven_id: ven,
          ts,
          load_id: "hvac-1",
          load_type: "hvac",
          used_kw: 6,
          shed_capable_kw: 2,
        };
        assert.equal(
          await write(sql, sink("ven_load_samples"), [load, load, { ...load, load_id: "ev-1" }]),
          2,
        );
        const status = {
          ven_id: ven,
          ts,
          status: "offline",
          source: "detector",
          details: { reason: "silent" },
        };
        assert.equal(await write(sql, sink("ven_statuses"), [status]), 1);
        assert.equal(await write(sql, sink("ven_statuses"), [status]), 0);
        await write(sql, sink("ven_presence"), [
          { ven_id: ven, status: "online", last_seen_at: ts },
          { ven_id: ven, status: "offline", last_seen_at: ts + 1000 },
        ]);
        const [row] = await sql`select status, last_seen_at from vens where id = ${ven}`;
        assert.deepEqual([row.status, (row.last_seen_at as Date).getTime()], ["offline", ts + 1000]);
        const [raw] = await sql`select raw, capacity_kw from ven_telemetry t, ven_load_samples l
          where t.ven_id = ${ven} and l.ven_id = t.ven_id and l.load_id = 'hvac-1'`;
        assert.deepEqual([raw.raw, raw.capacity_kw], [{ ts, usedPowerKw: 12 }, null]);
      });
      await t.step("ADR sinks update the VEN's participation: answers and delivered shed", async () => {
        const [ven, stranger] = [await insertVen(sql), await insertVen(sql)];
        const event = await insertAdrEvent(sql, [ven]);
        const at = Date.UTC(2026, 0, 1, 12);
        const answer = (venId: string, opt: string) => ({
          event_id: event,
          ven_id: venId,
          opt,
          responded_at: at,
        });
        assert.equal(
          await write(sql, sink("adr_responses"), [answer(ven, "optIn"), answer(stranger, "optOut")]),
          1,
        );
        const progress = (samples: number) => ({
          event_id: event,
          ven_id: ven,
          baseline_kw: 100,
          delivered_shed_kw: 30,
          delivered_kwh: samples * 0.1,
          samples,
          last_sample_at: at + samples * 10_000,
        });
        await write(sql, sink("adr_progress"), [progress(1), progress(2)]);
        await write(sql, sink("adr_progress"), [progress(2)]);
        const rows =
          await sql`select ven_id, opt, responded_at, baseline_kw, delivered_shed_kw, delivered_kwh, samples
          from adr_participation where event_id = ${event}`;
        assert.equal(rows.length, 1, "no participation is created for a VEN the event does not target");
        assert.deepEqual({ ...rows[0], responded_at: (rows[0].responded_at as Date).getTime() }, {
          ven_id: ven,
          opt: "optIn",
          responded_at: at,
          baseline_kw: 100,
          delivered_shed_kw: 30,
          delivered_kwh: 0.2,
          samples: 2,
        });
      });
    }));
}
