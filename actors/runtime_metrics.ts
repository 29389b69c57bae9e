/**
 * The runtime's `/metrics` (Prometheus text): messages in/acked/rejected per kind, mailbox depth and
 * actors per shard, pending acks, write batch size and latency, worker restarts.
 * @module
 */
import type { CatchAll } from "./catch_all.ts";
import type { Batch } from "./protocol.ts";
import { MetricsText } from "./metrics.ts";
import type { ActorRegistry } from "./registry.ts";
import type { ActorKind, RuntimeStats } from "./runtime.ts";
import type { Supervisor } from "./supervisor.ts";
import type { Writer } from "./writer.ts";
import type { RollupRepairer } from "./rollup_repair.ts";
import type { SeriesStats } from "../stores/series/series.ts";
import type { SeriesOutboxStats } from "./series_outbox.ts";
import type { ReconfigurerStats } from "./reconfigurer.ts";
import { KINDS } from "./kinds.ts";

/** Renders the runtime's metrics. */
export function renderMetrics(
  figures: Figures,
  supervisor: Supervisor,
  registry: ActorRegistry,
  writer: Writer,
  repairer: RollupRepairer,
  catchAll: CatchAll | undefined,
  state: RuntimeStats["state"],
  series: SeriesStats | undefined,
  outbox: SeriesOutboxStats | undefined,
  reconfigure: ReconfigurerStats,
): string {
  const hosts = supervisor.workers();
  const running = hosts.filter((h) => h.state === "running" && h.stats);
  const perKind = (pick: (s: NonNullable<typeof hosts[number]["stats"]>) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const h of running) for (const [k, v] of Object.entries(pick(h.stats!))) out[k] = (out[k] ?? 0) + v;
    return Object.entries(out).map(([kind, v]) => [{ kind }, v] as [Record<string, string>, number]);
  };
  const shards = running.flatMap((h) => h.stats!.shards.map((s) => ({ ...s, worker: h.n })));
  const w = writer.stats();
  const r = repairer.stats();
  const text = new MetricsText()
    .family(
      "gridpulse_runtime_up",
      "gauge",
      "1 while the runtime is running (0 starting, failed or stopped)",
      [
        [{ state }, state === "running" ? 1 : 0],
      ],
    )
    .family(
      "gridpulse_messages_in_total",
      "counter",
      "MQTT messages received by the shard sessions",
      perKind((s) => s.messagesIn),
    )
    .family(
      "gridpulse_messages_acked_total",
      "counter",
      "Messages acknowledged after their commit",
      Object.entries(figures.acked).map(([kind, v]) => [{ kind }, v]),
    )
    .family(
      "gridpulse_messages_rejected_total",
      "counter",
      "Messages refused (dead letters with a reason)",
      perKind((s) => s.rejected),
    )
    .family("gridpulse_catchall_unknown_total", "counter", "Telemetry for ids without an actor", [[
      {},
      catchAll?.counts.unknown ?? 0,
    ]])
    .family(
      "gridpulse_catchall_republished_total",
      "counter",
      "Telemetry for an actor no shard session held a subscription for, published again once it had one",
      [[{}, catchAll?.counts.republished ?? 0]],
    )
    .family(
      "gridpulse_mailbox_depth",
      "gauge",
      "Unacknowledged messages per shard",
      shards.map((s) => [{ shard: s.shard, worker: s.worker }, s.pending]),
    )
    .family(
      "gridpulse_shard_paused",
      "gauge",
      "1 while a shard's session is paused (backpressure)",
      shards.map((s) => [{ shard: s.shard }, s.paused ? 1 : 0]),
    )
    .family("gridpulse_pending_acks", "gauge", "Unacknowledged messages in all shards", [[
      {},
      shards.reduce((n, s) => n + s.pending, 0),
    ]])
    .family(
      "gridpulse_actors",
      "gauge",
      "Actors per shard",
      registry.countByShard().map((n, shard) => [{ shard }, n]),
    )
    .family(
      "gridpulse_worker_up",
      "gauge",
      "1 while a worker host runs",
      hosts.map((h) => [{ worker: h.n, state: h.state }, h.state === "running" ? 1 : 0]),
    )
    .family("gridpulse_worker_restarts_total", "counter", "Worker restarts by the supervisor", [[
      {},
      supervisor.restarts,
    ]])
    .family(
      "gridpulse_worker_heap_bytes",
      "gauge",
      "Heap used per worker",
      running.map((h) => [{ worker: h.n }, h.stats!.heapUsed]),
    )
    .family("gridpulse_write_commits_total", "counter", "Group commits", [[{}, w.commits]])
    .family("gridpulse_write_failures_total", "counter", "Failed group commits (batches resent)", [[
      {},
      w.failures,
    ]])
    .family("gridpulse_write_queue_messages", "gauge", "Messages waiting for the next group commit", [[
      {},
      w.queuedMessages,
    ]])
    .family("gridpulse_write_rows_total", "counter", "Rows changed by group commits", [[{}, w.rows]])
    .family(
      "gridpulse_cache_write_failures_total",
      "counter",
      "Live-state cache writes refused after a commit (their keys are sent again)",
      [[{}, w.cacheFailures]],
    )
    .family(
      "gridpulse_cache_unwritten_keys",
      "gauge",
      "Keys whose newest live state the cache refused, waiting to be sent again",
      [[{}, w.cacheUnwritten]],
    )
    .family(
      "gridpulse_change_events_dropped_total",
      "counter",
      "Change events the cache could not publish after a commit (open streams re-poll)",
      [[{}, w.eventsDropped]],
    )
    .family(
      "gridpulse_write_sink_ms_total",
      "counter",
      "Time spent writing per sink (and documents, cache) in milliseconds",
      Object.entries(w.sinkMs).map(([sink, ms]) => [{ sink }, Math.round(ms)]),
    )
    .family("gridpulse_rollup_recomputed_total", "counter", "Rollup buckets recomputed from readings", [[
      {},
      r.recomputed,
    ]])
    .family(
      "gridpulse_rollup_recompute_backlog",
      "gauge",
      "Rollup buckets queued for recompute (as of the repairer's last look)",
      [[{}, r.backlog]],
    )
    .family("gridpulse_rollup_recompute_ms_total", "counter", "Time in rollup repair transactions", [[
      {},
      Math.round(r.ms),
    ]])
    .family("gridpulse_rollup_recompute_failures_total", "counter", "Failed rollup repair transactions", [[
      {},
      r.failures,
    ]])
    .family(
      "gridpulse_reconfigure_pending",
      "gauge",
      "1 while a change to every actor of the kind (an alert rule for all) is not yet in effect in all of them",
      Object.keys(KINDS).map((kind) => [{ kind }, reconfigure.pending.includes(kind as ActorKind) ? 1 : 0]),
    )
    .family(
      "gridpulse_reconfigure_failing",
      "gauge",
      "1 while the last pass reconfiguring every actor of the kind failed (it is retried)",
      Object.keys(KINDS).map((kind) => [{ kind }, reconfigure.failing[kind as ActorKind] ? 1 : 0]),
    )
    .family(
      "gridpulse_reconfigure_passes_total",
      "counter",
      "Passes that reconfigured every actor of a kind",
      [[
        {},
        reconfigure.passes,
      ]],
    )
    .family("gridpulse_reconfigure_failures_total", "counter", "Failed reconfiguration passes (retried)", [[
      {},
      reconfigure.failures,
    ]]);
  seriesFamilies(text, series, outbox)
    .histogram("gridpulse_write_batch_messages", "Messages per group commit", w.commitSize)
    .histogram(
      "gridpulse_write_commit_ms",
      "Group commit transaction duration in milliseconds",
      w.commitLatency,
    )
    .histogram(
      "gridpulse_ingest_latency_ms",
      "From a batch's first message to its commit, in milliseconds",
      w.ingestLatency,
    );
  return text.toString();
}

/** The series sink's figures (InfluxDB) and its outbox's, when one is configured. */
export function seriesFamilies(
  text: MetricsText,
  series: SeriesStats | undefined,
  outbox?: SeriesOutboxStats,
): MetricsText {
  if (!series) return text;
  if (outbox) {
    text
      .family(
        "gridpulse_series_outbox_ranges",
        "gauge",
        "Committed reading ranges InfluxDB has not confirmed (series_outbox, as last counted)",
        [[{}, outbox.backlog]],
      )
      .family("gridpulse_series_outbox_points", "gauge", "Points of those ranges when committed", [[
        {},
        outbox.backlogPoints,
      ]])
      .family(
        "gridpulse_series_remirrored_points_total",
        "counter",
        "Points mirrored again from PostgreSQL and confirmed by InfluxDB",
        [[{}, outbox.remirroredPoints]],
      )
      .family(
        "gridpulse_series_remirror_failures_total",
        "counter",
        "Attempts to mirror a range again that failed (the range stays and is tried again)",
        [[{}, outbox.failures]],
      )
      .family(
        "gridpulse_series_rejected_recorded_total",
        "counter",
        "Points InfluxDB rejected for good, recorded in telemetry_events (kind series_rejected)",
        [[{}, outbox.rejectedRecorded]],
      );
  }
  return text
    .family("gridpulse_series_points_confirmed_total", "counter", "Points InfluxDB confirmed", [[
      {},
      series.confirmed,
    ]])
    .family(
      "gridpulse_series_points_refused_total",
      "counter",
      "Points InfluxDB refused for the configuration (HTTP 401, 403, 404: token, org, bucket), mirrored again later",
      [[{}, series.refused]],
    )
    .family(
      "gridpulse_series_points_rejected_total",
      "counter",
      "Points InfluxDB rejected for good (HTTP 400, 413, 422 for the point alone: unparsable, too large, outside retention)",
      [[{}, series.rejected]],
    )
    .family(
      "gridpulse_series_points_dropped_total",
      "counter",
      "Points given up without an answer from InfluxDB (unconfirmed when the sink closed)",
      [[{}, series.dropped]],
    )
    .family("gridpulse_series_points_buffered", "gauge", "Points waiting for InfluxDB to confirm them", [[
      {},
      series.buffered,
    ]])
    .family("gridpulse_series_points_buffered_max", "gauge", "Buffered points before writes are refused", [[
      {},
      series.maxBuffered,
    ]])
    .family("gridpulse_series_refusing", "gauge", "1 while InfluxDB refuses writes for the configuration", [[
      {},
      series.refusing ? 1 : 0,
    ]]);
}

/** Counters kept in the main isolate. */
export class Figures {
  acked: Record<string, number> = {};
  #samples: { at: number; acked: number }[] = [];

  /** Telemetry for unknown ids recorded by the catch-all session (its batches come from worker -1). */
  unknown = 0;

  committed(batch: Batch): void {
    for (const [kind, c] of Object.entries(batch.counts)) {
      this.acked[kind] = (this.acked[kind] ?? 0) + c.accepted + c.rejected;
      if (batch.worker === -1) this.unknown += c.rejected;
    }
  }

  totalAcked(): number {
    return Object.values(this.acked).reduce((a, b) => a + b, 0);
  }

  sample(): void {
    this.#samples.push({ at: Date.now(), acked: this.totalAcked() });
    if (this.#samples.length > 11) this.#samples.shift();
  }

  /** Acknowledged messages per second over the last 10 s. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at === first.at) return 0;
    return Math.round(((last.acked - first.acked) * 1000) / (last.at - first.at));
  }

  stats(
    supervisor: Supervisor,
    registry: ActorRegistry,
    { workers, shards }: { workers: number; shards: number },
    state: RuntimeStats["state"],
    failure: string | undefined,
  ): RuntimeStats {
    const hosts = supervisor.workers();
    const sum = (pick: (s: NonNullable<(typeof hosts)[number]["stats"]>) => number) =>
      hosts.reduce((n, h) => n + (h.stats && h.state === "running" ? pick(h.stats) : 0), 0);
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return {
      workers,
      workersAlive: hosts.filter((h) => h.state === "running").length,
      shards,
      actors: registry.size,
      actorsByKind: registry.countByKind(),
      messagesPerSecond: this.rate(),
      messagesIn: sum((s) => total(s.messagesIn)),
      messagesAcked: this.totalAcked(),
      messagesRejected: sum((s) => total(s.rejected)) + this.unknown,
      pendingAcks: sum((s) => s.shards.reduce((n, x) => n + x.pending, 0)),
      workerRestarts: supervisor.restarts,
      state,
      failure,
    };
  }
}
