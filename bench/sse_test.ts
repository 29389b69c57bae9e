import assert from "node:assert/strict";
import { parseSse } from "./sse.ts";
import { bucketQuantile, histogramDelta, metricSum, parseHistogram } from "./prometheus.ts";

Deno.test("parseSse() splits events, joins data lines and skips comments", () => {
  const { events, rest } = parseSse(
    ': ping\n\nevent: alert\ndata: {"a":1}\n\ndata: x\ndata: y\n\nevent: alert\ndata: {"b"',
  );
  assert.deepEqual(events, [{ event: "alert", data: '{"a":1}' }, { event: "message", data: "x\ny" }]);
  assert.equal(rest, 'event: alert\ndata: {"b"');
});

Deno.test("parseSse() accepts CRLF line ends", () => {
  assert.deepEqual(parseSse("event: e\r\ndata: 1\r\n\r\n").events, [{ event: "e", data: "1" }]);
});

Deno.test("metricSum() adds every sample of a family and only of that family", () => {
  const text = [
    "# TYPE gridpulse_actors gauge",
    'gridpulse_actors{kind="plant"} 1200',
    'gridpulse_actors{kind="ven"} 30',
    "gridpulse_actors_total 5",
    "gridpulse_up 1",
  ].join("\n");
  assert.equal(metricSum(text, "gridpulse_actors"), 1230);
  assert.equal(metricSum(text, "gridpulse_up"), 1);
  assert.equal(metricSum(text, "gridpulse_missing"), undefined);
  assert.equal(metricSum("# TYPE gridpulse_acked_total counter\n", "gridpulse_acked_total"), 0);
});

Deno.test("parseHistogram() adds label sets, histogramDelta() subtracts, bucketQuantile() gives a bound", () => {
  const snapshot = (a: number, b: number, inf: number, sum: number) =>
    [
      `h_bucket{le="10"} ${a}`,
      `h_bucket{le="100"} ${b}`,
      `h_bucket{le="+Inf"} ${inf}`,
      `h_sum ${sum}`,
      `h_count ${inf}`,
    ].join("\n");
  const before = parseHistogram(snapshot(1, 2, 2, 30), "h")!;
  const after = parseHistogram(snapshot(5, 10, 12, 1030), "h")!;
  const delta = histogramDelta(before, after);
  assert.deepEqual(delta, { count: 10, sum: 1000, buckets: [[10, 4], [100, 8], [Infinity, 10]] });
  assert.equal(bucketQuantile(delta, 0.4), 10);
  assert.equal(bucketQuantile(delta, 0.5), 100);
  assert.equal(bucketQuantile(delta, 0.99), Infinity);
  assert.equal(parseHistogram("x 1", "h"), undefined);
});
