import assert from "node:assert/strict";
import { pgCount, pgFind, pgInsert, pgWhere, tableOf } from "./pg_query.ts";

Deno.test("pgWhere() writes string equality as the indexed ->> expression", () => {
  const params: unknown[] = [];
  assert.equal(
    pgWhere({ where: { action: "login" } }, params),
    "(expires_at IS NULL OR expires_at > now()) AND (body ->> 'action') = $1",
  );
  assert.deepEqual(params, ["login"]);
});

Deno.test("pgWhere() compares numbers and booleans as jsonb, null as absent or null, id as the column", () => {
  const params: unknown[] = [];
  const text = pgWhere({ where: { volumeMw: 5, firm: true, offerId: null, id: "x" } }, params);
  assert.equal(
    text,
    "(expires_at IS NULL OR expires_at > now()) AND (body -> 'volumeMw') = $1::text::jsonb AND " +
      "(body -> 'firm') = $2::text::jsonb AND (body -> 'offerId' IS NULL OR body -> 'offerId' = 'null'::jsonb) AND id = $3",
  );
  assert.deepEqual(params, ["5", "true", "x"]);
});

Deno.test("pgWhere() bounds the timestamp from inclusive, to exclusive", () => {
  const params: unknown[] = [];
  const from = new Date("2026-01-01T00:00:00Z");
  const to = new Date("2026-01-02T00:00:00Z");
  assert.match(pgWhere({ from, to }, params), /ts >= \$1::timestamptz AND ts < \$2::timestamptz$/);
  assert.deepEqual(params, [from.toISOString(), to.toISOString()]);
});

Deno.test("pgWhere() writes a prefix as starts_with() on the indexed expression, on the id column for id", () => {
  const params: unknown[] = [];
  assert.equal(
    pgWhere({ where: { reason: "x" }, startsWith: { reason: "mw:", id: "a" } }, params),
    "(expires_at IS NULL OR expires_at > now()) AND (body ->> 'reason') = $1 AND " +
      "(jsonb_typeof(body -> 'reason') = 'string' AND starts_with((body ->> 'reason'), $2)) AND starts_with(id, $3)",
  );
  assert.deepEqual(params, ["x", "mw:", "a"]);
  assert.throws(() => pgWhere({ startsWith: { "a'b": "x" } }, []), TypeError);
  assert.throws(() => pgWhere({ startsWith: { reason: 1 as unknown as string } }, []), TypeError);
});

Deno.test("pgWhere() rejects field names that are not plain identifiers", () => {
  assert.throws(() => pgWhere({ where: { "a'b": 1 } }, []), TypeError);
  assert.throws(() => pgWhere({ where: { "a.b": 1 } }, []), TypeError);
  assert.throws(() => pgWhere({ where: { expiresAt: 1 } }, []), TypeError);
  assert.throws(() => pgWhere({ from: new Date(NaN) }, []), TypeError);
});

Deno.test("pgFind() orders by ts then id in one direction and pages with defaults", () => {
  const { text, params } = pgFind("market_signals", { where: { market: "intraday" } });
  assert.equal(
    text,
    "SELECT id, ts, body, expires_at FROM doc_market_signals WHERE (expires_at IS NULL OR expires_at > now()) " +
      "AND (body ->> 'market') = $1 ORDER BY ts DESC, id DESC LIMIT 100 OFFSET 0",
  );
  assert.deepEqual(params, ["intraday"]);
  assert.match(
    pgFind("audit", { sort: "asc", limit: 5, offset: 10 }).text,
    /ORDER BY ts ASC, id ASC LIMIT 5 OFFSET 10$/,
  );
  assert.throws(() => pgFind("audit", { limit: -1 }), RangeError);
  assert.throws(() => pgFind("audit", { offset: 1.5 }), RangeError);
});

Deno.test("pgCount() counts with the same filter", () => {
  assert.deepEqual(pgCount("dispatch_log", { where: { plantName: "P" } }), {
    text:
      "SELECT count(*)::int AS n FROM doc_dispatch_log WHERE (expires_at IS NULL OR expires_at > now()) " +
      "AND (body ->> 'plantName') = $1",
    params: ["P"],
  });
});

Deno.test("pgInsert() unnests columns and keeps id, timestamp and expiresAt out of the body", () => {
  const ts = new Date("2026-01-01T00:00:00Z");
  const { text, params } = pgInsert("telemetry_events", [
    { id: "a", timestamp: ts, expiresAt: ts, kind: "raw", payload: { x: 1 } },
    { id: "b", timestamp: ts, kind: "raw" },
  ]);
  assert.match(
    text,
    /^INSERT INTO doc_telemetry_events .* unnest\(\$1::text\[\], \$2::timestamptz\[\], \$3::text\[\]::jsonb\[\], \$4::timestamptz\[\]\) ON CONFLICT \(id\) DO NOTHING$/,
  );
  assert.deepEqual(params, [
    ["a", "b"],
    [ts.toISOString(), ts.toISOString()],
    ['{"kind":"raw","payload":{"x":1}}', '{"kind":"raw"}'],
    [ts.toISOString(), null],
  ]);
});

Deno.test("tableOf() maps every collection and rejects unknown ones", () => {
  assert.equal(tableOf("audit"), "doc_audit");
  assert.throws(() => tableOf("nope" as never), TypeError);
});
