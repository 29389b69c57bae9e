import assert from "node:assert/strict";
import { pipelineFigures } from "./prometheus.ts";

/** `/metrics` text with the pipeline's three histograms (one bucket each) and the recompute counter. */
function metrics(commits: number, messages: number, commitMs: number, recomputed?: number): string {
  const histogram = (name: string, count: number, sum: number) =>
    [
      `# TYPE ${name} histogram`,
      `${name}_bucket{le="100"} ${count}`,
      `${name}_bucket{le="+Inf"} ${count}`,
      `${name}_sum ${sum}`,
      `${name}_count ${count}`,
    ].join("\n");
  return [
    histogram("gridpulse_write_batch_messages", commits, messages),
    histogram("gridpulse_write_commit_ms", commits, commitMs),
    histogram("gridpulse_ingest_latency_ms", messages, messages * 10),
    ...(recomputed === undefined ? [] : [
      "# TYPE gridpulse_rollup_recomputed_total counter",
      `gridpulse_rollup_recomputed_total ${recomputed}`,
    ]),
  ].join("\n");
}

Deno.test("pipelineFigures() gives the phase's commits and the rollup buckets recomputed in it", () => {
  const figures = pipelineFigures(metrics(10, 1_000, 200, 40), metrics(30, 5_000, 600, 1_040));
  assert.equal(figures?.commits, 20);
  assert.equal(figures?.messagesPerCommit, 200);
  assert.equal(figures?.commitMsMean, 20);
  assert.equal(figures?.rollupsRecomputed, 1_000);
});

Deno.test("pipelineFigures() leaves the recompute count out for an app that does not expose it", () => {
  const figures = pipelineFigures(metrics(10, 1_000, 200), metrics(30, 5_000, 600));
  assert.equal(figures?.commits, 20);
  assert.equal("rollupsRecomputed" in figures!, false);
});
