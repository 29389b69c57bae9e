import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import { formatKw, formatMw } from "../components/format.ts";
import { subscribe } from "../components/live_feed.ts";
import type { LiveEvent } from "../components/live_events.ts";
import { StatCard } from "../components/ui.tsx";
import type { VenFigures } from "../components/fleet.ts";
import type { AlertSummary } from "../domain/alert.ts";

/** A plant as the summary counts it. */
export interface FleetPlant {
  id: string;
  expectedIntervalS: number;
  /** The newest reading: epoch ms and MW, or null when it never reported. */
  latest: [number, number] | null;
}

/** The VEN network: from the VEN actors' live state, or as last stored. */
export type FleetVens = VenFigures;

/** Props of {@linkcode FleetSummary}. */
export interface FleetSummaryProps {
  plants: FleetPlant[];
  alerts: AlertSummary["bySeverity"] | null;
  vens: FleetVens | null;
}

/** A plant counts as online while its newest reading is younger than three of its intervals (and 3 min). */
function isReporting(plant: FleetPlant, now: number): boolean {
  return plant.latest !== null && now - plant.latest[0] <= Math.max(3 * plant.expectedIntervalS, 180) * 1000;
}

function throttled(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

/**
 * The fleet in four figures: plants online, total output, unresolved alerts by severity, VENs online and
 * the load they can shed. Readings update the plants in place; alert and VEN events refetch their totals.
 */
export default function FleetSummary(props: FleetSummaryProps) {
  const plants = useSignal(props.plants);
  const alerts = useSignal(props.alerts);
  const vens = useSignal(props.vens);
  const now = useSignal(Date.now());

  useEffect(() => {
    const refetchAlerts = throttled(() => {
      getJson<AlertSummary>("/api/alerts/summary").then((s) => (alerts.value = s.bySeverity), () => {});
    }, 1_000);
    const refetchVens = throttled(() => {
      getJson<FleetVens>("/api/stats/network").then((s) => {
        // the network stats come from the VEN actors; without any, keep the stored figures
        if (s.vens > 0) vens.value = { ...s, live: true };
      }, () => {});
    }, 5_000);
    const onEvent = (event: LiveEvent) => {
      if (event.type === "alert") refetchAlerts();
      else if (event.type === "state" && event.kind === "ven") refetchVens();
      else if (event.type === "reading" && event.metric === "power_mw") {
        plants.value = plants.value.map((p) =>
          p.id === event.plantId && (!p.latest || p.latest[0] < event.ts)
            ? { ...p, latest: [event.ts, event.value] }
            : p
        );
        now.value = Date.now();
      }
    };
    const poll = async () => {
      const recent = await getJson<{ items: { plantId: string; ts: string; value: number }[] }>(
        "/api/meter-readings/recent?hours=1&page_size=500&metric_type=power_mw",
      );
      for (const r of recent.items.toReversed()) {
        onEvent({
          type: "reading",
          plantId: r.plantId,
          ts: Date.parse(r.ts),
          value: r.value,
          metric: "power_mw",
        });
      }
      refetchAlerts();
      refetchVens();
    };
    const stop = subscribe({ kinds: ["plant", "alert", "ven"], onEvent, poll });
    // a plant that stops reporting drops out as time passes, without any event
    const tick = setInterval(() => (now.value = Date.now()), 15_000);
    return () => {
      stop();
      clearInterval(tick);
    };
  }, []);

  const reporting = plants.value.filter((p) => isReporting(p, now.value));
  const output = reporting.reduce((sum, p) => sum + (p.latest?.[1] ?? 0), 0);
  const a = alerts.value;
  const v = vens.value;
  return (
    <section class="cards" aria-label="Fleet figures">
      <StatCard
        id="plants-online"
        label="Plants online"
        value={
          <>
            {reporting.length}
            <span class="stat-of">{` / ${plants.value.length}`}</span>
          </>
        }
        hint="Reported within three of their intervals"
      />
      <StatCard
        id="output"
        label="Total output"
        value={formatMw(output)}
        hint="Sum of the plants online now"
      />
      <StatCard
        id="alerts"
        label="Open alerts"
        value={a ? a.critical + a.warning + a.info : "—"}
        hint={a
          ? (
            <span class="severity-counts">
              <span class="sev sev-critical">{a.critical} critical</span>
              <span class="sev sev-warning">{a.warning} warning</span>
              <span class="sev sev-info">{a.info} info</span>
            </span>
          )
          : "Alerts could not be read"}
      />
      <StatCard
        id="vens"
        label="VENs online"
        value={v
          ? (
            <>
              {v.online}
              <span class="stat-of">{` / ${v.vens}`}</span>
            </>
          )
          : "—"}
        hint={v
          ? `${formatKw(v.shedCapableKw)} available to shed${v.live ? "" : " (last reported)"}`
          : "The VEN network could not be read"}
      />
    </section>
  );
}
