import assert from "node:assert/strict";
import { parseSse } from "./sse.ts";
import { metricSum } from "./prometheus.ts";

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
