import assert from "node:assert/strict";
import { MetricsText } from "./metrics.ts";
import { seriesFamilies } from "./runtime_metrics.ts";

Deno.test("seriesFamilies() shows the series sink's points (confirmed, refused, rejected, dropped, buffered) and the outbox backlog", () => {
  const text = seriesFamilies(new MetricsText(), {
    buffered: 12,
    maxBuffered: 100_000,
    confirmed: 900,
    refused: 25,
    rejected: 2,
    dropped: 3,
    refusing: true,
  }, {
    recorded: 40,
    confirmed: 35,
    remirrored: 2,
    remirroredPoints: 120,
    failures: 1,
    rejectedRecorded: 2,
    backlog: 3,
    backlogPoints: 90,
  }).toString();
  for (
    const line of [
      "gridpulse_series_points_confirmed_total 900",
      "gridpulse_series_points_refused_total 25",
      "gridpulse_series_points_rejected_total 2",
      "gridpulse_series_points_dropped_total 3",
      "gridpulse_series_points_buffered 12",
      "gridpulse_series_points_buffered_max 100000",
      "gridpulse_series_refusing 1",
      "gridpulse_series_outbox_ranges 3",
      "gridpulse_series_outbox_points 90",
      "gridpulse_series_remirrored_points_total 120",
      "gridpulse_series_remirror_failures_total 1",
      "gridpulse_series_rejected_recorded_total 2",
    ]
  ) assert.ok(text.split("\n").includes(line), `missing: ${line}`);
});

Deno.test("seriesFamilies() adds nothing when no series sink is configured", () => {
  assert.equal(seriesFamilies(new MetricsText(), undefined).toString(), new MetricsText().toString());
});
