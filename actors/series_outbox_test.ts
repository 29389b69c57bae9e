import assert from "node:assert/strict";
import { createLogger, silentLogger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { openInfluxSeries } from "../stores/series/influx/influx_series.ts";
import type { WriteReceipt } from "../stores/series/series.ts";
import {
  countSamples,
  hasVictoriaMetrics,
  startFakeInflux,
  startVictoriaMetrics,
} from "../stores/series/influx/testing.ts";
import { SeriesOutbox, splitRanges } from "./series_outbox.ts";
import { MetricsText } from "./metrics.ts";
import { seriesFamilies } from "./runtime_metrics.ts";
import { fakeDocuments, insertPlant, sinkBatch, SINKS } from "./testing.ts";
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

interface OutboxRow {
  points: number;
  owner: string | null;
  attempts: number;
  /** `mirrored_through`, epoch ms. */
  through: number | null;
}

async function outboxRows(sql: Sql): Promise<OutboxRow[]> {
  const rows = await sql<OutboxRow[]>`
    select points, owner::text as owner, attempts,
           (extract(epoch from mirrored_through) * 1000)::float8 as through
    from series_outbox order by from_ts`;
  return rows.map((r) => ({ ...r }));
}

/** A `series_outbox` row as an earlier process leaves it: nobody waits for its answer. */
async function leftRange(sql: Sql, from: number, to: number, points: number): Promise<void> {
  await sql`insert into series_outbox (id, sink, from_ts, to_ts, points)
    values (${crypto.randomUUID()}::uuid, 'meter_readings', ${new Date(from)}, ${new Date(to)}, ${points})`;
}

const ACCEPTS = { token: "right", org: "gridpulse", bucket: "telemetry" };

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
    const influx = startFakeInflux(ACCEPTS);
    const series = await openInfluxSeries({
      url: influx.url,
      ...ACCEPTS,
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
    const hanging: Promise<WriteReceipt>[] = [];
    const series = { // accepts every write and never answers (InfluxDB unreachable, no timeout yet)
      backend: "influx" as const,
      write: () => {
        const receipt = new Promise<WriteReceipt>(() => {});
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
        rejected: 0,
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

Deno.test("SeriesOutbox: a reading InfluxDB refuses (422) is recorded with the reason, every other one is mirrored and the ranges complete", () =>
  withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
    const influx = startFakeInflux(ACCEPTS);
    const series = await openInfluxSeries({
      url: influx.url,
      ...ACCEPTS,
      log: silentLogger,
      batchSize: 8,
      flushIntervalMs: 20,
    });
    const documents = fakeDocuments();
    const outbox = new SeriesOutbox({
      sql,
      series,
      sinks: SINKS,
      log: silentLogger,
      documents,
      pollMs: 20,
      pageSize: 7,
    });
    try {
      const plant = await insertPlant(sql);
      const live = Date.UTC(2026, 4, 1);
      const left = Date.UTC(2026, 4, 2);
      const badLive = live + 13_000;
      const badLeft = left + 17_000;
      influx.rejectLines((line) =>
        line.endsWith(` ${badLive}`) || line.endsWith(` ${badLeft}`)
          ? "points beyond retention policy"
          : undefined
      );
      // a range an earlier process left, mirrored again from PostgreSQL in chunks of 7
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      await writer.submit(sinkBatch({ meter_readings: readings(plant, 30, left) }));
      await leftRange(sql, left, left + 29_000, 30);
      assert.equal(await outbox.remirrorOnce(), 1, "the range completes");
      assert.deepEqual(await outboxRows(sql), []);
      // a commit mirrored live
      const mirroring = new Writer({ sql, sinks: SINKS, log: silentLogger, outbox });
      await mirroring.submit(sinkBatch({ meter_readings: readings(plant, 30, live) }));
      outbox.start();
      await waitFor(async () => (await outboxRows(sql)).length === 0, 10_000);

      const written = new Set(influx.lines);
      assert.equal(written.size, 58, "every reading but the two refused reached InfluxDB");
      assert.ok(![...written].some((l) => l.endsWith(` ${badLive}`) || l.endsWith(` ${badLeft}`)));
      const events = [...documents.docs.get("telemetry_events")!.values()]
        .sort((a, b) => String(a.readingAt).localeCompare(String(b.readingAt)));
      assert.deepEqual(
        events.map((e) => ({
          kind: e.kind,
          entityKind: e.entityKind,
          entityId: e.entityId,
          readingAt: e.readingAt,
          measurement: e.measurement,
        })),
        [badLive, badLeft].map((ts) => ({
          kind: "series_rejected",
          entityKind: "plant",
          entityId: plant,
          readingAt: new Date(ts).toISOString(),
          measurement: "meter_readings",
        })),
      );
      for (const event of events) {
        assert.match(String(event.reason), /^InfluxDB HTTP 422: .*points beyond retention policy/);
        assert.match(String(event.payload), new RegExp(`^meter_readings,.*plant_id=${plant} value=.* \\d+$`));
        assert.ok(event.expiresAt instanceof Date && event.expiresAt.getTime() > Date.now());
      }
      assert.equal(outbox.stats().rejectedRecorded, 2);
      assert.equal(outbox.stats().failures, 0, "a refused point is not retried");
      const metrics = seriesFamilies(new MetricsText(), series.stats(), outbox.stats()).toString().split(
        "\n",
      );
      assert.ok(metrics.includes("gridpulse_series_points_rejected_total 2"));
      assert.ok(metrics.includes("gridpulse_series_rejected_recorded_total 2"));
      assert.ok(metrics.includes("gridpulse_series_refusing 0"));
      assert.equal((await series.check()).state, "up");
    } finally {
      await outbox.stop();
      await series.close();
      await influx.close();
    }
  }));

Deno.test("SeriesOutbox: InfluxDB answering 503 with Retry-After loses nothing: the commit's readings arrive once it accepts", () =>
  withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
    const influx = startFakeInflux(ACCEPTS);
    const series = await openInfluxSeries({
      url: influx.url,
      ...ACCEPTS,
      log: silentLogger,
      batchSize: 10,
      flushIntervalMs: 20,
    });
    const outbox = new SeriesOutbox({ sql, series, sinks: SINKS, log: silentLogger, pollMs: 20 });
    try {
      const plant = await insertPlant(sql);
      influx.unavailable(3, 1);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, outbox });
      await writer.submit(sinkBatch({ meter_readings: readings(plant, 25, Date.UTC(2026, 4, 3)) }));
      assert.equal((await outboxRows(sql)).length, 1, "recorded until InfluxDB confirms");
      outbox.start();
      await waitFor(async () => (await outboxRows(sql)).length === 0, 15_000);
      assert.equal(new Set(influx.lines).size, 25);
      assert.ok(influx.requests.filter((r) => r.status === 503).length === 3);
      assert.deepEqual(
        { ...outbox.stats(), backlog: 0, backlogPoints: 0 },
        {
          recorded: 1,
          confirmed: 1,
          remirrored: 0,
          remirroredPoints: 0,
          failures: 0,
          rejectedRecorded: 0,
          backlog: 0,
          backlogPoints: 0,
        },
        "confirmed live, after the retries: nothing mirrored again",
      );
    } finally {
      await outbox.stop();
      await series.close();
      await influx.close();
    }
  }));

Deno.test("SeriesOutbox: a range mirrored again resumes where a stopped run left it, without sending the confirmed part again", () =>
  withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
    const influx = startFakeInflux(ACCEPTS);
    const plant = await insertPlant(sql);
    const t0 = Date.UTC(2026, 4, 4);
    const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
    await writer.submit(sinkBatch({ meter_readings: readings(plant, 40, t0) }));
    await leftRange(sql, t0, t0 + 39_000, 40);
    const open = () =>
      openInfluxSeries({
        url: influx.url,
        ...ACCEPTS,
        log: silentLogger,
        batchSize: 9, // a chunk of 10 readings a second apart holds 9: the page may end inside a timestamp
        flushIntervalMs: 20,
        retryDelayMs: { min: 50, max: 100 },
        closeTimeoutMs: 100,
      });
    const stamp = (line: string) => Number(line.slice(line.lastIndexOf(" ") + 1));

    // Run 1: InfluxDB takes the first two chunks (18 readings), then is unavailable until the run is stopped.
    influx.unavailableFor((line) => stamp(line) >= t0 + 20_000);
    const series1 = await open();
    const outbox1 = new SeriesOutbox({
      sql,
      series: series1,
      sinks: SINKS,
      log: silentLogger,
      pageSize: 10,
      pollMs: 20,
    });
    outbox1.start();
    await waitFor(async () => (await outboxRows(sql))[0].through === t0 + 17_000, 10_000);
    await outbox1.stop();
    await series1.close();
    const confirmed = new Set(influx.lines);
    assert.equal(confirmed.size, 18);
    assert.deepEqual(
      (await outboxRows(sql)).map((r) => ({ points: r.points, through: r.through })),
      [{ points: 40, through: t0 + 17_000 }],
      "the range stays, with how far it was mirrored",
    );

    // Run 2 (a new process): InfluxDB is back; only what is after mirrored_through is sent.
    influx.unavailableFor(undefined);
    const sentBefore = influx.lines.length;
    const series2 = await open();
    const outbox2 = new SeriesOutbox({ sql, series: series2, sinks: SINKS, log: silentLogger, pageSize: 10 });
    try {
      assert.equal(await outbox2.remirrorOnce(), 1);
      assert.deepEqual(await outboxRows(sql), []);
      const resent = influx.lines.slice(sentBefore);
      assert.deepEqual(
        resent.map(stamp).sort((a, b) => a - b),
        Array.from({ length: 22 }, (_, i) => t0 + 18_000 + i * 1_000),
        "the second run sends exactly the readings after mirrored_through",
      );
      assert.equal(new Set(influx.lines).size, 40, "every reading reached InfluxDB");
      assert.equal(outbox2.stats().remirroredPoints, 22);
    } finally {
      await series2.close();
      await influx.close();
    }
  }));

Deno.test("SeriesOutbox: a range larger than the sink's buffer is mirrored over consecutive passes, without waiting for the interval", () =>
  withTestDatabase(pgBackends().at(-1)!, async ({ sql }) => {
    const influx = startFakeInflux(ACCEPTS);
    const plant = await insertPlant(sql);
    const t0 = Date.UTC(2026, 4, 5);
    const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
    await writer.submit(sinkBatch({ meter_readings: readings(plant, 60, t0) }));
    await leftRange(sql, t0, t0 + 59_000, 60);
    const series = await openInfluxSeries({
      url: influx.url,
      ...ACCEPTS,
      log: silentLogger,
      maxBuffered: 20, // a pass sends 10 readings at most
      batchSize: 5,
      flushIntervalMs: 20,
    });
    const outbox = new SeriesOutbox({
      sql,
      series,
      sinks: SINKS,
      log: silentLogger,
      pageSize: 6,
      pollMs: 20,
      remirrorIntervalMs: 60_000,
    });
    try {
      outbox.start();
      await waitFor(async () => (await outboxRows(sql)).length === 0, 10_000);
      assert.equal(new Set(influx.lines).size, 60);
      assert.equal(influx.lines.length, 60, "no reading was sent twice");
      assert.equal(outbox.stats().failures, 0);
      assert.equal(outbox.stats().remirrored, 1);
    } finally {
      await outbox.stop();
      await series.close();
      await influx.close();
    }
  }));
