import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import { formatNumber } from "../components/format.ts";
import { Fraction, StatCard, StateBadge } from "../components/ui.tsx";
import type { RuntimeStats } from "../actors/runtime.ts";

/** Props of {@linkcode RuntimeFigures}. */
export interface RuntimeFiguresProps {
  /** The figures when the page rendered; null when this process hosts no actor runtime. */
  stats: RuntimeStats | null;
  /** How often to refresh, in ms. */
  everyMs: number;
}

function NotRunning() {
  return (
    <div class="empty-state" data-runtime="off">
      <p class="empty-title">The actor runtime is not running in this process</p>
      <p class="muted small">
        No telemetry is being ingested here: pages show stored data, and live updates come only from what is
        published on the change channel.
      </p>
    </div>
  );
}

/** The actor runtime's live figures, refreshed every few seconds from `/api/runtime`. */
export default function RuntimeFigures({ stats: initial, everyMs }: RuntimeFiguresProps) {
  const stats = useSignal(initial);
  const stale = useSignal(false);
  useEffect(() => {
    const timer = setInterval(() => {
      getJson<{ stats: RuntimeStats | null }>("/api/runtime").then(
        (r) => {
          stats.value = r.stats;
          stale.value = false;
        },
        () => (stale.value = true),
      );
    }, everyMs);
    return () => clearInterval(timer);
  }, []);
  const s = stats.value;
  if (!s) return <NotRunning />;
  return (
    <div data-runtime={s.state}>
      <p class="runtime-state">
        <StateBadge
          state={s.state === "running" ? "up" : s.state === "failed" ? "down" : "degraded"}
          label={s.state}
        />
        {s.failure && <span class="field-error">{s.failure}</span>}
        {stale.value && <span class="muted small">figures could not be refreshed</span>}
      </p>
      <section class="cards" aria-label="Actor runtime">
        <StatCard
          id="workers"
          label="Workers"
          value={<Fraction n={s.workersAlive} of={s.workers} />}
          hint={`${s.workerRestarts} restarts`}
        />
        <StatCard id="shards" label="Shards" value={s.shards} hint="Each one MQTT session" />
        <StatCard
          id="actors"
          label="Actors"
          value={s.actors}
          hint={`${s.actorsByKind.plant} plants · ${s.actorsByKind.ven} VENs · ${s.actorsByKind.site} sites`}
        />
        <StatCard
          id="rate"
          label="Messages/s"
          value={formatNumber(s.messagesPerSecond, 1)}
          hint={
            <>
              {`${s.messagesAcked.toLocaleString("en-GB")} acknowledged · `}
              <a href="/ingestion#rejected" data-rejected-link>{`${s.messagesRejected} rejected`}</a>
              {` · ${s.pendingAcks} pending`}
            </>
          }
        />
      </section>
    </div>
  );
}
