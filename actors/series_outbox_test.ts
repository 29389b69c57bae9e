import assert from "node:assert/strict";
import { createLogger, silentLogger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { openInfluxSeries } from "../stores/series/influx/influx_series.ts";
import {
  countSamples,
  hasVictoriaMetrics,
  startFakeInflux,
  startVictoriaMetrics,
} from "../stores/series/influx/testing.ts";
import { SeriesOutbox, splitRanges } from "./series_outbox.ts";
import { insertPlant, sinkBatch, SINKS } from "./testing.ts";
import { Writer } from "./writer.ts";

const HAS_VM = hasVictoriaMetrics();

function readings(plant: string, n: number, start: number) {
  return Array.from({ length: n }, (_, i) => ({
    plant_id: plant,
    metric_type: "power_mw",
    ts: start + i * 1_000,
    value: i / 4,
  }));
}

async function outboxRows(sql: Sql): Promise<{ points: number; owner: string | null; attempts: number }[]> {
  const rows = await sql<{ points: number; owner: string | null; attempts: number }[]>`
    select points, owner::text as owner, attempts from series_outbox order by from_ts`;
  return rows.map((r) => ({ ...r }));
}

async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("splitRanges() keeps live points in one range and a late reading in its own", () => {
  const now = Date.UTC(2026, 5, 1, 12);
  const live = Array.from({ length: 50 }, (_, i) => now + i * 20);
  const late = now - 86_400_000;
  const ranges = splitRanges("meter_readings", [...live, late], 16);
  assert.deepEqual(ranges.map(({ from, to, points }) => ({ from, to, points })), [
    { from: late, to: late, points: 1 },
    { from: now, to: now + 49 * 20, points: 50 },
  ]);
  const sparse = Array.from({ length: 100 }, (_, i) => now + i * 60_000);
  const merged = splitRanges("meter_readings", sparse, 16);
  assert.ok(merged.length <= 16, `${merged.length} ranges`);
  assert.equal(merged.reduce((n, r) => n + r.points, 0), 100);
});

if (HAS_VM) {
  for (const backend of pgBackends()) {
    Deno.test(`SeriesOutbox mirrors again from PostgreSQL what InfluxDB never confirmed before a stop (${backend})`, () =>
      withTestDatabase(backend, async ({ sql }) => {
        const vm = await startVictoriaMetrics();
        const target = { url: vm.url, token: "t", org: "gridpulse", bucket: "test" };
        const lines: string[] = [];
        const log = createLogger({ level: "warn", write: (line: string) => lines.push(line) } as never);
        try {
          const plant = await insertPlant(sql);
          const start = Date.now() - 120_000; // within VictoriaMetrics retention
          // Run 1: InfluxDB goes away after start; the readings are committed (and would be acknowledged).
          const series = await openInfluxSeries({
            ...target,
            log: silentLogger,
            flushIntervalMs: 50,
            retryDelayMs: { min: 100, max: 200 },
            closeTimeoutMs: 200,
          });
          const outbox = new SeriesOutbox({ sql, series, sinks: SINKS, log, pollMs: 50, stopTimeoutMs: 300 });
          outbox.start();
          const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, outbox });
          await vm.stop();
          await writer.submit(sinkBatch({ meter_readings: readings(plant, 40, start) }));
          await writer.submit(sinkBatch({ meter_readings: readings(plant, 20, start + 40_000) }));
          const stopped = performance.now();
          await outbox.stop();
          assert.ok(performance.now() - stopped < 2_000, "stop() waits at most its timeout");
          await series.close();
          assert.deepEqual((await outboxRows(sql)).map((r) => r.points), [40, 20]);
          assert.equal(outbox.stats().backlog, 2);
          assert.equal(outbox.stats().backlogPoints, 60);
          const warned = lines.map((l) => JSON.parse(l)).find((l) =>
            /stay recorded in series_outbox/.test(l.msg)
          );
          assert.ok(warned, "stop() logs what is left");
          assert.equal(warned.ranges, 2);
          assert.equal(warned.points, 60);

          // Run 2: InfluxDB is back; the next process mirrors the ranges again from the readings.
          await vm.start();
          const series2 = await openInfluxSeries({ ...target, log: silentLogger, flushIntervalMs: 50 });
          const outbox2 = new SeriesOutbox({
            sql,
            series: series2,
            sinks: SINKS,
            log: silentLogger,
            pageSize: 7,
          });
          try {
            assert.equal(await outbox2.remirrorOnce(), 2);
            assert.deepEqual(await outboxRows(sql), []);
            assert.equal(outbox2.stats().remirroredPoints, 60);
            const selector = `{__name__="meter_readings_value",plant_id="${plant}"}`;
            await waitFor(async () => (await countSamples(vm.url, selector)) === 60, 15_000);
          } finally {
            await series2.close();
          }
        } finally {
          await vm.dispose();
        }
      }));
  }

  Deno.test("Writer records mirrored ranges in series_outbox and the outbox deletes them once InfluxDB confirmed", () =>
    withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
      const vm = await startVictoriaMetrics();
      const series = await openInfluxSeries({
        url: vm.url,
        token: "t",
        org: "gridpulse",
        bucket: "test",
        log: silentLogger,
        flushIntervalMs: 50,
      });
      const outbox = new SeriesOutbox({ sql, series, sinks: SINKS, log: silentLogger, pollMs: 50 });
      try {
        const plant = await insertPlant(sql);
        const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, outbox });
        // the loop is not running yet: the row is there until it deletes confirmed rows
        await writer.submit(sinkBatch({ meter_readings: readings(plant, 30, Date.UTC(2026, 3, 1)) }));
        assert.deepEqual((await outboxRows(sql)).map((r) => r.points), [30]);
        await waitFor(() => outbox.stats().confirmed === 1, 10_000);
        outbox.start();
        await waitFor(async () => (await outboxRows(sql)).length === 0, 10_000);
        assert.equal(outbox.stats().remirrored, 0, "confirmed live: nothing mirrored again");
      } finally {
        await outbox.stop();
        await series.close();
        await vm.dispose();
      }
    }));
}

Deno.test("SeriesOutbox keeps ranges InfluxDB refused and mirrors them once it accepts writes again", () =>
  withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
    const accepts = { token: "right", org: "gridpulse", bucket: "telemetry" };
    const influx = startFakeInflux(accepts);
    const series = await openInfluxSeries({
      url: influx.url,
      ...accepts,
      log: silentLogger,
      flushIntervalMs: 20,
    });
    const outbox = new SeriesOutbox({
      sql,
      series,
      sinks: SINKS,
      log: silentLogger,
      pollMs: 20,
      remirrorIntervalMs: 50,
      retryBackoff: { minDelayMs: 1, maxDelayMs: 1, jitter: 0 },
    });
    try {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, outbox });
      influx.revoke(true); // the token is revoked while running
      await writer.submit(sinkBatch({ meter_readings: readings(plant, 12, Date.UTC(2026, 4, 1)) }));
      outbox.start();
      // refused: released by this process, tried again from PostgreSQL, refused again (attempts counted)
      await waitFor(
        async () => (await outboxRows(sql)).some((r) => r.owner === null && r.attempts > 0),
        10_000,
      );
      assert.equal(series.stats().refusing, true);
      assert.ok(outbox.stats().failures > 0);
      assert.equal(influx.lines.length, 0);

      influx.revoke(false);
      await waitFor(async () => (await outboxRows(sql)).length === 0, 10_000);
      assert.equal(new Set(influx.lines).size, 12, "every committed reading reached InfluxDB");
      assert.equal(outbox.stats().remirroredPoints, 12);
      assert.equal(series.stats().refusing, false);
    } finally {
      await outbox.stop();
      await series.close();
      await influx.close();
    }
  }));

Deno.test("SeriesOutbox: a range it cannot mirror fails alone (no unhandled rejection) and stop() does not wait for an InfluxDB that never answers", () =>
  withTestDatabase(pgBackends()[0], async ({ sql }) => {
    const plant = await insertPlant(sql);
    const t0 = Date.UTC(2026, 5, 1);
    const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
    await writer.submit(sinkBatch({ meter_readings: readings(plant, 5, t0) }));
    // left by an earlier process: a sink this one does not mirror, and readings it does
    await sql`insert into series_outbox (id, sink, from_ts, to_ts, points) values
      (${crypto.randomUUID()}::uuid, 'gone_sink', ${new Date(t0)}, ${new Date(t0 + 5_000)}, 5),
      (${crypto.randomUUID()}::uuid, 'meter_readings', ${new Date(t0)}, ${new Date(t0 + 5_000)}, 5)`;
    const hanging: Promise<void>[] = [];
    const series = { // accepts every write and never answers (InfluxDB unreachable, no timeout yet)
      backend: "influx" as const,
      write: () => {
        const receipt = new Promise<void>(() => {});
        hanging.push(receipt);
        return receipt;
      },
      flush: () => Promise.resolve(),
      check: () =>
        Promise.resolve({ store: "series", backend: "fake", state: "up" as const, required: false }),
      stats: () => ({
        buffered: 0,
        maxBuffered: 1_000,
        confirmed: 0,
        refused: 0,
        dropped: 0,
        refusing: false,
      }),
      close: () => Promise.resolve(),
    };
    const outbox = new SeriesOutbox({
      sql,
      series,
      sinks: SINKS,
      log: silentLogger,
      pollMs: 20,
      stopTimeoutMs: 200,
    });
    outbox.start();
    await waitFor(() => hanging.length > 0, 10_000); // the readings range is sent and waits
    const started = Date.now();
    await outbox.stop();
    assert.ok(Date.now() - started < 2_000, `stop() took ${Date.now() - started} ms`);
    assert.equal((await outboxRows(sql)).length, 2, "both ranges stay recorded for the next start");
  }));
