import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addSample,
  deliveredShedKw,
  newParticipation,
  type Participation,
  replay,
  trimRecent,
  type UsedSample,
} from "./participation.ts";

const START = 1_800_000_000_000;
const END = START + 600_000;
const options = { windowMs: 300_000, maxStepMs: 60_000 };
const fresh = () => newParticipation({ id: "e", name: "E", start: START, end: END, opt: "optIn" });
const kw = fc.double({ min: 0, max: 1e4, noNaN: true });
/** Increasing sample times from the window's start to past the end. */
const stream = fc.array(fc.tuple(fc.integer({ min: 1, max: 40_000 }), kw), { minLength: 1, maxLength: 60 })
  .map((steps) => {
    let ts = START - options.windowMs - 50_000;
    return steps.map(([dt, v]): UsedSample => [ts += dt, v]);
  });
const feed = (samples: UsedSample[], p: Participation = fresh()) =>
  samples.reduce((acc, [ts, v]) => addSample(acc, ts, v, options), p);

Deno.test("addSample() never delivers a negative shed, whatever the stream", () => {
  fc.assert(fc.property(stream, (samples) => {
    const p = feed(samples);
    assert.ok(p.shedSumKw >= 0 && p.deliveredKwh >= 0);
    const mean = deliveredShedKw(p);
    assert.ok(mean === null || mean >= 0);
  }));
});

Deno.test("addSample() baseline is the mean of the window before the start", () => {
  fc.assert(fc.property(stream, kw, (samples, during) => {
    const p = feed([...samples.filter(([ts]) => ts < START), [START + 1, during]]);
    const window = samples.filter(([ts]) => ts < START && ts >= START - options.windowMs).map(([, v]) => v);
    if (window.length === 0) assert.equal(p.baselineKw, null, "no window and no fallback: no baseline");
    else {
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      assert.ok(Math.abs(p.baselineKw! - mean) <= 1e-9 * Math.max(1, mean));
      assert.ok(Math.abs(deliveredShedKw(p)! - Math.max(0, p.baselineKw! - during)) <= 1e-6);
    }
  }));
});

Deno.test("addSample() with used constantly below the baseline delivers the difference over the credited time", () => {
  fc.assert(fc.property(
    kw,
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: 1, max: 20 }),
    fc.integer({ min: 1_000, max: 60_000 }),
    (baseline, share, n, step) => {
      const used = baseline * share;
      let p = addSample(fresh(), START - 1_000, baseline, options);
      for (let i = 1; i <= n && START + i * step < END; i++) {
        p = addSample(p, START + i * step, used, options);
      }
      const counted = p.samples;
      fc.pre(counted > 0);
      assert.ok(Math.abs(deliveredShedKw(p)! - (baseline - used)) <= 1e-9 * Math.max(1, baseline));
      const kwh = ((baseline - used) * counted * step) / 3_600_000;
      assert.ok(Math.abs(p.deliveredKwh - kwh) <= 1e-9 * Math.max(1, kwh), `${p.deliveredKwh} vs ${kwh}`);
    },
  ));
});

Deno.test("addSample() ignores redeliveries, samples after the end and opted-out or cancelled participations", () => {
  fc.assert(fc.property(stream, (samples) => {
    const p = feed(samples);
    for (const [ts, v] of samples.filter(([ts]) => ts >= START)) {
      assert.equal(addSample(p, ts, v + 1, options), p);
    }
    assert.equal(addSample(p, END, 0, options), p);
    const out = { ...fresh(), opt: "optOut" as const };
    assert.equal(feed(samples, out), out);
    const cancelled = { ...fresh(), cancelled: true };
    assert.equal(feed(samples, cancelled), cancelled);
  }));
});

Deno.test("replay() of recent samples equals feeding them one by one", () => {
  fc.assert(fc.property(stream, (samples) => {
    assert.deepEqual(replay(fresh(), samples, options), feed(samples));
  }));
});

Deno.test("addSample() falls back to the rolling baseline without samples before the start", () => {
  const p = addSample(fresh(), START + 10_000, 40, { ...options, fallbackKw: 55 });
  assert.equal(p.baselineKw, 55);
  assert.equal(deliveredShedKw(p), 15);
  assert.equal(p.deliveredKwh, (15 * 10_000) / 3_600_000);
});

Deno.test("trimRecent() keeps at most max samples, none older than keepMs before the newest", () => {
  fc.assert(
    fc.property(
      stream,
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 0, max: 500_000 }),
      (s, max, keep) => {
        const out = trimRecent(s, keep, max);
        assert.ok(out.length <= max);
        assert.deepEqual(out.at(-1), s.at(-1));
        assert.ok(out.every(([ts]) => ts >= s.at(-1)![0] - keep));
        assert.deepEqual(out, s.slice(s.length - out.length), "a suffix");
      },
    ),
  );
});
