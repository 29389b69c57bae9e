/**
 * `/architecture`: how GridPulse is put together: the stores and which backend serves each right now,
 * the data flow from devices to these pages, and the actor runtime's live figures.
 * @module
 */
import { page, type PageProps } from "fresh";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import type { RuntimeStats } from "../../../actors/runtime.ts";
import { formatNumber } from "../../../components/format.ts";
import { load, type Loaded } from "../../../components/load.ts";
import { ErrorState, PageHead, StateBadge, TableWrap } from "../../../components/ui.tsx";
import type { StoreStatus } from "../../../stores/status.ts";
import RuntimeFigures from "../../../islands/RuntimeFigures.tsx";

interface ArchitectureData {
  stores: Loaded<StoreStatus[]>;
  runtime: RuntimeStats | null;
  showLocations: boolean;
}

const ROLES: Record<string, string> = {
  postgres: "System of record: plants, offers, alerts, the site hierarchy, VENs and ADR events, users, " +
    "readings (one table per kind: plant readings, meter measurements, VEN telemetry) and their 1m–6h " +
    "rollups, the ingestion log (accepted and rejected messages per source and minute)",
  documents: "Audit log, market signals, dispatch log, and rejected telemetry (each message refused at " +
    "ingestion, with why, kept 7 days; accepted telemetry is not stored here)",
  cache:
    "Live actor state, latest values (5 min), site dashboards (1 min), the change channel the pages stream",
  series: "A mirror of every reading for long-range analytics",
  mqtt: "Telemetry in from devices, ADR events out to VENs",
  runtime: "Plant, VEN and site actors in worker isolates, sharded by a stable hash",
};

export const handler = define.handlers<ArchitectureData>({
  async GET(ctx) {
    ctx.state.title = "Architecture";
    const { services } = ctx.state;
    const stores = await load(services, "store health", () => services.health());
    return page({
      stores,
      runtime: services.runtime?.stats() ?? null,
      showLocations: ctx.state.user?.role === "admin",
    });
  },
});

function Stores({ stores, showLocations }: { stores: StoreStatus[]; showLocations: boolean }) {
  const all = stores.some((s) => s.store === "series") ? stores : [
    ...stores,
    { store: "series", backend: "off (INFLUX_URL not set)", state: "up", required: false } as StoreStatus,
  ];
  return (
    <TableWrap label="Stores">
      <thead>
        <tr>
          <th>Store</th>
          <th>Backend now</th>
          <th>State</th>
          <th>Holds</th>
          {showLocations && <th>Where</th>}
        </tr>
      </thead>
      <tbody>
        {all.map((s) => (
          <tr key={s.store} data-store={s.store}>
            <td class="nowrap">
              <strong>{s.store}</strong>
              {s.required && <div class="muted small">required</div>}
            </td>
            <td>
              {s.backend}
              {s.detail && <div class="muted small">{s.detail}</div>}
            </td>
            <td class="nowrap">
              {s.backend.startsWith("off")
                ? <StateBadge state="unknown" label="Off" />
                : <StateBadge state={s.state} />}
              {s.latencyMs !== undefined && <div class="muted small">{formatNumber(s.latencyMs, 1)} ms</div>}
              {s.error && <div class="field-error">{s.error}</div>}
            </td>
            <td class="message">{ROLES[s.store] ?? ""}</td>
            {showLocations && <td class="small">{s.location ?? "—"}</td>}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function backendOf(stores: Loaded<StoreStatus[]>, store: string, fallback: string): string {
  return (stores.ok ? stores.value.find((s) => s.store === store)?.backend : undefined) ?? fallback;
}

function Flow({ stores }: { stores: Loaded<StoreStatus[]> }) {
  const box = (title: string, text: string, kind = "") => (
    <div class={`flow-box ${kind}`}>
      <strong>{title}</strong>
      <span class="small">{text}</span>
    </div>
  );
  return (
    <div
      class="flow"
      role="img"
      aria-label="Data flow from devices through MQTT and the actors to the stores and these pages"
    >
      {box("Devices & simulator", "plants, VENs, site meters publish JSON telemetry")}
      <span class="flow-arrow" aria-hidden="true">→</span>
      {box("MQTT broker", backendOf(stores, "mqtt", "not connected in this process"))}
      <span class="flow-arrow" aria-hidden="true">→</span>
      {box(
        "Actor runtime",
        "shard sessions → worker isolates → plant · VEN · site actors: baselines, detectors, rollups",
        "flow-core",
      )}
      <span class="flow-arrow" aria-hidden="true">→</span>
      <div class="flow-stack">
        {box("PostgreSQL", backendOf(stores, "postgres", "—"))}
        {box("Documents", backendOf(stores, "documents", "—"))}
        {box("Cache + changes", backendOf(stores, "cache", "—"))}
        {box("Series", backendOf(stores, "series", "off"))}
      </div>
      <span class="flow-arrow" aria-hidden="true">→</span>
      {box("Web", "REST API (JWT) and these pages; islands stream changes over SSE", "flow-core")}
    </div>
  );
}

/** The architecture, live. */
export default function ArchitecturePage({ data }: PageProps<ArchitectureData, State>) {
  return (
    <>
      <PageHead
        title="Architecture"
        lead="Stores, the data flow, and the actor runtime as this GridPulse process runs them right now."
      />
      <section class="card">
        <div class="card-head">
          <h2>Data flow</h2>
        </div>
        <Flow stores={data.stores} />
        <p class="muted small">
          An actor acknowledges a message only after what it produced is committed, so a crash redelivers and
          duplicates nothing; the pages read live state from the cache and history from PostgreSQL.
        </p>
        <p class="muted small">
          A message that fails validation or names an unknown id is not dropped: it is recorded as rejected,
          with why. <a href="/ingestion">Ingestion</a> shows the rejected messages and the counts per source.
        </p>
      </section>
      <section class="card">
        <div class="card-head">
          <h2>Actor runtime</h2>
        </div>
        <RuntimeFigures stats={data.runtime} everyMs={2_000} />
      </section>
      <section class="card">
        <div class="card-head">
          <h2>Stores</h2>
        </div>
        {data.stores.ok
          ? <Stores stores={data.stores.value} showLocations={data.showLocations} />
          : <ErrorState title="Store health could not be read" message={data.stores.error} />}
      </section>
    </>
  );
}
