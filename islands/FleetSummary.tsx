import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import { formatKw, formatMw } from "../components/format.ts";
import { subscribe } from "../components/live_feed.ts";
import type { LiveEvent } from "../components/live_events.ts";
import { Fraction, StatCard } from "../components/ui.tsx";
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

/** The summary's live state. */
interface Fleet {
  plants: Signal<FleetPlant[]>;
  alerts: Signal<FleetSummaryProps["alerts"]>;
  vens: Signal<FleetSummaryProps["vens"]>;
  now: Signal<number>;
}

/**
 * Keeps `fleet` current: readings update the plants in place, alert and VEN events refetch their totals
 * (throttled), and a clock drops plants that stop reporting. Returns the function that stops it.
 */
function follow(fleet: Fleet): () => void {
  const refetchAlerts = throttled(() => {
    getJson<AlertSummary>("/api/alerts/summary").then((s) => (fleet.alerts.value = s.bySeverity), () => {});
  }, 1_000);
  const refetchVens = throttled(() => {
    getJson<FleetVens>("/api/stats/network").then((s) => {
      // the network stats come from the VEN actors; without any, keep the stored figures
      if (s.vens > 0) fleet.vens.value = { ...s, live: true };
    }, () => {});
  }, 5_000);
  const reading = (plantId: string, ts: number, value: number) => {
    fleet.plants.value = fleet.plants.value.map((p) =>
      p.id === plantId && (!p.latest || p.latest[0] < ts) ? { ...p, latest: [ts, value] } : p
    );
    fleet.now.value = Date.now();
  };
  const onEvent = (event: LiveEvent) => {
    if (event.type === "alert") refetchAlerts();
    else if (event.type === "state" && event.kind === "ven") refetchVens();
    else if (event.type === "reading" && event.metric === "power_mw") {
      reading(event.plantId, event.ts, event.value);
    }
  };
  const poll = async () => {
    const recent = await getJson<{ items: { plantId: string; ts: string; value: number }[] }>(
      "/api/meter-readings/recent?hours=1&page_size=500&metric_type=power_mw",
    );
    for (const r of recent.items.toReversed()) reading(r.plantId, Date.parse(r.ts), r.value);
    refetchAlerts();
    refetchVens();
  };
  const stop = subscribe({ kinds: ["plant", "alert", "ven"], onEvent, poll });
  // a plant that stops reporting drops out as time passes, without any event
  const tick = setInterval(() => (fleet.now.value = Date.now()), 15_000);
  return () => {
    stop();
    clearInterval(tick);
  };
}

/**
 * The fleet in four figures: plants online, total output, unresolved alerts by severity, VENs online and
 * the load they can shed, kept live from the page's feed.
 */
export default function FleetSummary(props: FleetSummaryProps) {
  const fleet: Fleet = {
    plants: useSignal(props.plants),
    alerts: useSignal(props.alerts),
    vens: useSignal(props.vens),
    now: useSignal(Date.now()),
  };
  useEffect(() => follow(fleet), []);

  const reporting = fleet.plants.value.filter((p) => isReporting(p, fleet.now.value));
  const output = reporting.reduce((sum, p) => sum + (p.latest?.[1] ?? 0), 0);
  const a = fleet.alerts.value;
  const v = fleet.vens.value;
  return (
    <section class="cards" aria-label="Fleet figures">
      <StatCard
        id="plants-online"
        label="Plants online"
        value={<Fraction n={reporting.length} of={fleet.plants.value.length} />}
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
        value={v ? <Fraction n={v.online} of={v.vens} /> : "—"}
        hint={v
          ? `${formatKw(v.shedCapableKw)} available to shed${v.live ? "" : " (last reported)"}`
          : "The VEN network could not be read"}
      />
    </section>
  );
}
