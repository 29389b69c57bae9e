import assert from "node:assert/strict";
import { COLLECTIONS } from "../documents.ts";
import {
  escapeRegExp,
  fromMongo,
  mongoFilter,
  mongoIndexSpecs,
  mongoPage,
  mongoSort,
  toMongo,
} from "./mongo_query.ts";

const NOW = new Date("2026-01-26T12:00:00Z");

Deno.test("mongoFilter() maps equality, id to _id, the timestamp range, and hides expired documents", () => {
  const from = new Date("2026-01-26T00:00:00Z");
  const to = new Date("2026-01-27T00:00:00Z");
  assert.deepEqual(
    mongoFilter({ where: { market: "intraday", volume: 5, id: "x", firm: null }, from, to }, NOW),
    {
      market: "intraday",
      volume: 5,
      _id: "x",
      firm: null,
      timestamp: { $gte: from, $lt: to },
      expiresAt: { $not: { $lte: NOW } },
    },
  );
  assert.deepEqual(mongoFilter({}, NOW), { expiresAt: { $not: { $lte: NOW } } });
});

Deno.test("mongoFilter() writes a prefix as an anchored regular expression with its text escaped", () => {
  assert.deepEqual(
    mongoFilter({ where: { reason: "r" }, startsWith: { reason: "mw: (x.*", id: "a" } }, NOW),
    {
      reason: "r",
      $and: [{ reason: { $regex: "^mw: \\(x\\.\\*" } }, { _id: { $regex: "^a" } }],
      expiresAt: { $not: { $lte: NOW } },
    },
  );
  assert.ok(new RegExp(`^${escapeRegExp("a+b[c]\\d$")}`).test("a+b[c]\\d$ and more"));
  assert.throws(() => mongoFilter({ startsWith: { $where: "1" } }, NOW), TypeError);
});

Deno.test("mongoFilter() rejects operator injection and reserved fields with TypeError", () => {
  assert.throws(() => mongoFilter({ where: { $where: "1" } }, NOW), TypeError);
  assert.throws(() => mongoFilter({ where: { "a.b": 1 } }, NOW), TypeError);
  assert.throws(() => mongoFilter({ where: { timestamp: 1 } }, NOW), TypeError);
  assert.throws(() => mongoFilter({ to: new Date(NaN) }, NOW), TypeError);
});

Deno.test("mongoSort() sorts by timestamp then _id, newest first by default", () => {
  assert.deepEqual(mongoSort({}), { timestamp: -1, _id: -1 });
  assert.deepEqual(mongoSort({ sort: "asc" }), { timestamp: 1, _id: 1 });
});

Deno.test("mongoPage() defaults to 100 from 0 and rejects bad numbers with RangeError", () => {
  assert.deepEqual(mongoPage({}), { skip: 0, limit: 100 });
  assert.deepEqual(mongoPage({ limit: 5, offset: 10 }), { skip: 10, limit: 5 });
  assert.throws(() => mongoPage({ limit: -1 }), RangeError);
});

Deno.test("mongoIndexSpecs() gives every collection a timestamp index and its filter indexes", () => {
  for (const name of COLLECTIONS) {
    assert.deepEqual(mongoIndexSpecs(name)[0], { key: { timestamp: -1 }, name: "timestamp_desc" });
  }
  assert.deepEqual(mongoIndexSpecs("audit").map((s) => s.key), [
    { timestamp: -1 },
    { action: 1, timestamp: -1 },
    { userId: 1, timestamp: -1 },
    { entity: 1, timestamp: -1 },
  ]);
  assert.deepEqual(mongoIndexSpecs("dispatch_log").map((s) => s.name), [
    "timestamp_desc",
    "market_timestamp_desc",
    "plantName_timestamp_desc",
  ]);
  assert.deepEqual(mongoIndexSpecs("market_signals").map((s) => s.name), [
    "timestamp_desc",
    "market_timestamp_desc",
  ]);
});

Deno.test("mongoIndexSpecs() puts a TTL index with expireAfterSeconds 0 on telemetry_events.expiresAt only", () => {
  const ttl = mongoIndexSpecs("telemetry_events").filter((s) => s.expireAfterSeconds !== undefined);
  assert.deepEqual(ttl, [{ key: { expiresAt: 1 }, name: "expiresAt_ttl", expireAfterSeconds: 0 }]);
  for (const name of ["audit", "market_signals", "dispatch_log"] as const) {
    assert.ok(mongoIndexSpecs(name).every((s) => s.expireAfterSeconds === undefined));
  }
});

Deno.test("toMongo() and fromMongo() keep dates as Dates and the id in _id", () => {
  const doc = { id: "a", timestamp: NOW, expiresAt: NOW, kind: "raw", payload: { x: 1 } };
  const stored = toMongo(doc);
  assert.deepEqual(stored, { _id: "a", timestamp: NOW, expiresAt: NOW, kind: "raw", payload: { x: 1 } });
  assert.deepEqual(fromMongo(stored), doc);
  assert.equal("expiresAt" in toMongo({ id: "b", timestamp: NOW }), false);
  assert.throws(() => toMongo({ id: "c", timestamp: "x" as unknown as Date }), TypeError);
});
