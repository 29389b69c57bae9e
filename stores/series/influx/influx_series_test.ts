import assert from "node:assert/strict";
import { loadConfig } from "../../../core/config.ts";
import { BackpressureError, StoreUnavailableError } from "../../../core/errors.ts";
import { silentLogger } from "../../../core/log.ts";
import { freePort } from "../../../core/local_process.ts";
import type { SeriesPoint } from "../series.ts";
import { classifyAnswer, openInfluxSeries, retryAfterMs } from "./influx_series.ts";
import {
  countSamples,
  exportSeries,
  hasVictoriaMetrics,
  startFakeInflux,
  startVictoriaMetrics,
} from "./testing.ts";

const config = loadConfig(Deno.env.toObject());
const HAS_VM = hasVictoriaMetrics();

/** A run id tag keeps parallel tests (and repeated runs on a shared server) apart. */
function points(run: string, n: number, start = Date.now() - n * 1_000): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: "gp_test_plant",
    tags: { run, plantId: `plant-${i % 3}` },
    fields: { mw: 10 + i / 10 },
    ts: start + i * 1_000,
  }));
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Server under test: INFLUX_URL (must answer) when set, else a private victoria-metrics. */
async function server(): Promise<
  { url: string; token: string; org: string; bucket: string; dispose(): Promise<void>; own: boolean }
> {
  if (config.influx) return { ...config.influx, dispose: () => Promise.resolve(), own: false };
  const vm = await startVictoriaMetrics();
  return {
    url: vm.url,
    token: "test-token",
    org: "gridpulse",
    bucket: "test",
    dispose: vm.dispose,
    own: true,
  };
}

if (config.influx || HAS_VM) {
  Deno.test("influxSeries.write() delivers batched points that read back with their tags and values", async () => {
    const target = await server();
    const series = await openInfluxSeries({
      ...target,
      log: silentLogger,
      batchSize: 50,
      flushIntervalMs: 100,
    });
    try {
      const run = crypto.randomUUID();
      const written = points(run, 120);
      series.write(written);
      await series.flush();
      assert.equal(series.buffered, 0);
      assert.equal((await series.check()).state, "up");
      if (!target.own) return; // reading back needs VictoriaMetrics' export API
      const selector = `{__name__="gp_test_plant_mw",run="${run}"}`;
      await waitFor(async () => (await countSamples(target.url, selector)) === 120, 15_000);
      const exported = await exportSeries(
        target.url,
        `{__name__="gp_test_plant_mw",run="${run}",plantId="plant-0"}`,
      );
      assert.equal(exported.length, 1);
      const expected = written.filter((p) => p.tags.plantId === "plant-0");
      assert.deepEqual(exported[0].timestamps, expected.map((p) => p.ts));
      assert.deepEqual(exported[0].values, expected.map((p) => p.fields.mw));
    } finally {
      await series.close();
      await target.dispose();
    }
  });
}

if (HAS_VM) {
  Deno.test("influxSeries buffers points while the server is down and delivers all of them when it is back", async () => {
    const vm = await startVictoriaMetrics();
    const series = await openInfluxSeries({
      url: vm.url,
      token: "t",
      org: "gridpulse",
      bucket: "test",
      log: silentLogger,
      batchSize: 20,
      flushIntervalMs: 50,
      retryDelayMs: { min: 100, max: 500 },
    });
    try {
      const run = crypto.randomUUID();
      const all = points(run, 300);
      series.write(all.slice(0, 100));
      await series.flush();
      await vm.stop();
      series.write(all.slice(100));
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(series.buffered > 0, "points should wait for the server");
      const down = await series.check();
      assert.equal(down.state, "down");
      assert.match(down.detail ?? "", /points buffered/);
      await vm.start();
      await waitFor(() => Promise.resolve(series.buffered === 0), 20_000);
      assert.equal((await series.check()).state, "up");
      await waitFor(
        async () => (await countSamples(vm.url, `{__name__="gp_test_plant_mw",run="${run}"}`)) === 300,
        15_000,
      );
    } finally {
      await series.close();
      await vm.dispose();
    }
  });

  Deno.test("influxSeries.write() throws BackpressureError when the buffer is full and queues nothing", async () => {
    const vm = await startVictoriaMetrics();
    const series = await openInfluxSeries({
      url: vm.url,
      token: "t",
      org: "gridpulse",
      bucket: "test",
      log: silentLogger,
      maxBuffered: 100,
      batchSize: 10,
      flushIntervalMs: 50,
      retryDelayMs: { min: 100, max: 300 },
      closeTimeoutMs: 5_000,
    });
    try {
      await vm.stop();
      const run = crypto.randomUUID();
      series.write(points(run, 100));
      assert.throws(() => series.write(points(run, 1)), BackpressureError);
      assert.equal(series.buffered, 100);
      await vm.start();
      await waitFor(() => Promise.resolve(series.buffered === 0), 20_000);
      series.write(points(run, 1, Date.now()));
    } finally {
      await series.close();
      await vm.dispose();
    }
  });
}

Deno.test("openInfluxSeries() throws StoreUnavailableError naming the masked URL when unreachable", async () => {
  const url = `http://user:secret@127.0.0.1:${freePort()}`;
  const error = await openInfluxSeries({
    url,
    token: "t",
    org: "o",
    bucket: "b",
    log: silentLogger,
    connectTimeoutMs: 1_000,
  })
    .then(() => assert.fail("expected a failure"), (e) => e);
  assert.ok(error instanceof StoreUnavailableError);
  assert.equal(error.store, "series");
  assert.match(error.message, /InfluxDB at http:\/\/user:\*\*\*\*@127\.0\.0\.1:\d+/);
  assert.doesNotMatch(error.message, /secret/);
});

Deno.test("influxSeries.write() rejects a point without finite fields with TypeError", async () => {
  const vm = HAS_VM ? await startVictoriaMetrics() : undefined;
  if (!vm) return;
  const series = await openInfluxSeries({
    url: vm.url,
    token: "t",
    org: "o",
    bucket: "b",
    log: silentLogger,
  });
  try {
    assert.throws(
      () => series.write([{ measurement: "m", tags: {}, fields: {}, ts: Date.now() }]),
      TypeError,
    );
    assert.throws(
      () => series.write([{ measurement: "m", tags: {}, fields: { v: NaN }, ts: Date.now() }]),
      TypeError,
    );
    assert.equal(series.buffered, 0);
  } finally {
    await series.close();
    await vm.dispose();
  }
});

const ACCEPTS = { token: "right-token", org: "gridpulse", bucket: "telemetry" };

Deno.test("openInfluxSeries() throws StoreUnavailableError when InfluxDB refuses writes with the token, org or bucket", async () => {
  const influx = startFakeInflux(ACCEPTS);
  try {
    const open = (wrong: Partial<typeof ACCEPTS>) =>
      openInfluxSeries({ url: influx.url, ...ACCEPTS, ...wrong, log: silentLogger, connectTimeoutMs: 2_000 });
    for (
      const [wrong, answer] of [
        [{ token: "revoked" }, /HTTP 401 unauthorized access/],
        [{ org: "typo" }, /HTTP 404 organization name "typo" not found/],
        [{ bucket: "typo" }, /HTTP 404 bucket "typo" not found/],
      ] as const
    ) {
      const error = await open(wrong).then(
        () => assert.fail(`opened with ${JSON.stringify(wrong)}`),
        (e) => e,
      );
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(error.store, "series");
      assert.match(error.message, /refuses writes/);
      assert.match(error.message, answer);
      assert.doesNotMatch(error.message, /right-token|revoked/, "the token is not shown");
    }
    const series = await open({});
    await series.close();
    assert.deepEqual(influx.lines, [], "the access check writes no point");
  } finally {
    await influx.close();
  }
});

Deno.test("influxSeries counts refused points and check() reports down until a write is confirmed again", async () => {
  const influx = startFakeInflux(ACCEPTS);
  const series = await openInfluxSeries({
    url: influx.url,
    ...ACCEPTS,
    log: silentLogger,
    batchSize: 10,
    flushIntervalMs: 20,
    flushTimeoutMs: 2_000,
  });
  try {
    const run = crypto.randomUUID();
    influx.revoke(true); // the token was revoked after start
    const refused = await series.write(points(run, 25)).then(() => "confirmed", (e: Error) => e.message);
    assert.match(refused, /refused the write: HTTP 401/);
    assert.deepEqual(
      { ...series.stats(), maxBuffered: 0 },
      { buffered: 0, maxBuffered: 0, confirmed: 0, refused: 25, rejected: 0, dropped: 0, refusing: true },
    );
    const down = await series.check();
    assert.equal(down.state, "down");
    assert.match(down.error ?? "", /refuses writes since .*HTTP 401 unauthorized access/);
    assert.match(down.detail ?? "", /25 refused/);
    const flushed = series.write(points(run, 5)).catch(() => {});
    await assert.rejects(series.flush(), /refused 5 points/);
    await flushed;
    assert.equal(series.stats().refused, 30);
    assert.equal((await series.check()).state, "down", "still down: nothing was confirmed since");

    influx.revoke(false);
    await series.write(points(run, 3, Date.now()));
    await series.flush();
    assert.equal((await series.check()).state, "up");
    assert.equal(series.stats().confirmed, 3);
    assert.equal(series.stats().refusing, false);
    assert.equal(influx.lines.length, 3);
  } finally {
    await series.close();
    await influx.close();
  }
});

Deno.test("classifyAnswer() sorts InfluxDB's answers: confirmed, transient, about the data, about the configuration", () => {
  const classes = Object.fromEntries(
    [204, 200, 408, 429, 500, 502, 503, 504, 400, 413, 422, 401, 403, 404, 405].map((
      s,
    ) => [s, classifyAnswer(s)]),
  );
  assert.deepEqual(classes, {
    204: "confirmed",
    200: "confirmed",
    408: "transient",
    429: "transient",
    500: "transient",
    502: "transient",
    503: "transient",
    504: "transient",
    400: "data",
    413: "data",
    422: "data",
    401: "configuration",
    403: "configuration",
    404: "configuration",
    405: "configuration",
  });
});

Deno.test("retryAfterMs() reads Retry-After as seconds or as an HTTP date", () => {
  const now = Date.UTC(2026, 10, 24, 12);
  assert.equal(retryAfterMs("5", now), 5_000);
  assert.equal(retryAfterMs(" 0 ", now), 0);
  assert.equal(retryAfterMs(new Date(now + 30_000).toUTCString(), now), 30_000);
  assert.equal(retryAfterMs(new Date(now - 30_000).toUTCString(), now), 0);
  assert.equal(retryAfterMs(null, now), undefined);
  assert.equal(retryAfterMs("soon", now), undefined);
});

Deno.test("influxSeries isolates the point InfluxDB refuses in a partial write (422): the others are confirmed, it is rejected with the reason", async () => {
  const influx = startFakeInflux(ACCEPTS);
  const series = await openInfluxSeries({
    url: influx.url,
    ...ACCEPTS,
    log: silentLogger,
    batchSize: 64,
    flushIntervalMs: 20,
  });
  try {
    const run = crypto.randomUUID();
    const all = points(run, 100, Date.UTC(2026, 10, 1));
    const bad = all[41];
    influx.rejectLines((line) => line.endsWith(` ${bad.ts}`) ? "points beyond retention policy" : undefined);
    const { rejected } = await series.write(all);
    assert.equal(rejected.length, 1);
    assert.deepEqual(rejected[0].point, bad);
    assert.equal(rejected[0].status, 422);
    assert.match(rejected[0].reason, /partial write: points beyond retention policy dropped=1/);
    assert.match(rejected[0].line, new RegExp(` ${bad.ts}$`));
    assert.equal(new Set(influx.lines).size, 99, "every other point is written");
    assert.ok(!influx.lines.some((l) => l.endsWith(` ${bad.ts}`)));
    const stats = series.stats();
    assert.deepEqual({ ...stats, maxBuffered: 0 }, {
      buffered: 0,
      maxBuffered: 0,
      confirmed: 99,
      refused: 0,
      rejected: 1,
      dropped: 0,
      refusing: false,
    });
    // halving a 64-line batch down to the one point takes 2 requests per level, not one per point
    const writes = influx.requests.filter((r) => r.lines > 0); // not the empty write that proves access
    assert.ok(writes.length <= 2 + 2 * 6, `${writes.length} requests`);
    const status = await series.check();
    assert.equal(status.state, "up", "a point InfluxDB refuses is no configuration problem");
    assert.match(status.detail ?? "", /1 rejected for good/);
    await series.flush();
  } finally {
    await series.close();
    await influx.close();
  }
});

Deno.test("influxSeries waits as long as a 503's Retry-After says, then delivers every point", async () => {
  const influx = startFakeInflux(ACCEPTS);
  const series = await openInfluxSeries({
    url: influx.url,
    ...ACCEPTS,
    log: silentLogger,
    batchSize: 10,
    flushIntervalMs: 20,
    retryDelayMs: { min: 10, max: 20 }, // so that only Retry-After can explain a longer wait
  });
  try {
    influx.unavailable(2, 1);
    const written = series.write(points(crypto.randomUUID(), 10, Date.UTC(2026, 10, 1)));
    const writes = () => influx.requests.filter((r) => r.lines > 0); // not the empty write proving access
    while (writes().length === 0) await new Promise((r) => setTimeout(r, 10));
    const degraded = await series.check();
    assert.equal(degraded.state, "degraded");
    assert.match(degraded.error ?? "", /HTTP 503 service unavailable/);
    assert.deepEqual(await written, { rejected: [] });
    assert.deepEqual(writes().map((r) => r.status), [503, 503, 204]);
    const [first, second, third] = writes().map((r) => r.at);
    assert.ok(second - first >= 950, `retried after ${second - first} ms, not Retry-After's 1 s`);
    assert.ok(third - second >= 950, `retried after ${third - second} ms, not Retry-After's 1 s`);
    assert.equal(influx.lines.length, 10);
    assert.equal(series.stats().confirmed, 10);
    assert.equal((await series.check()).state, "up");
  } finally {
    await series.close();
    await influx.close();
  }
});

Deno.test("influxSeries rejects a batch whole when InfluxDB's partial write dropped every point of it", async () => {
  const influx = startFakeInflux(ACCEPTS);
  const series = await openInfluxSeries({
    url: influx.url,
    ...ACCEPTS,
    log: silentLogger,
    batchSize: 50,
    flushIntervalMs: 20,
  });
  try {
    const cutoff = Date.UTC(2026, 10, 1);
    influx.rejectLines((line) =>
      Number(line.slice(line.lastIndexOf(" ") + 1)) < cutoff ? "points beyond retention policy" : undefined
    );
    const run = crypto.randomUUID();
    const { rejected } = await series.write([
      ...points(run, 50, cutoff - 100_000), // one batch, all too old
      ...points(run, 50, cutoff), // one batch, all fine
    ]);
    assert.equal(rejected.length, 50);
    assert.ok(rejected.every((r) => r.status === 422 && /dropped=50/.test(r.reason)));
    assert.equal(influx.lines.length, 50);
    const writes = influx.requests.filter((r) => r.lines > 0);
    assert.equal(writes.length, 2, "one request per batch: the refused one is not halved point by point");
    assert.equal(series.stats().rejected, 50);
  } finally {
    await series.close();
    await influx.close();
  }
});
