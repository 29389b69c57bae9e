/**
 * What each simulated device sends at one tick, as pure functions of its state, the time and a random
 * source: plausible values (the seed's daily profiles), with occasional spikes (> 3x), threshold breaches
 * (above plant capacity), gaps (silent for a few minutes) and VENs going offline (status offline, silent,
 * status online). A VEN sheds load while an ADR event it opted into is running.
 * @module
 */
import type { PlantDef } from "./catalog.ts";
import { outputFraction } from "./plant_series.ts";

/** How often each anomaly starts, per message. */
export interface AnomalyRates {
  /** A single reading 3.5-4.5x the normal value. @default {0.003} */
  spike: number;
  /** A few readings 3-10% above plant capacity. @default {0.002} */
  breach: number;
  /** The entity goes silent for 2-5 minutes. @default {0.001} */
  gap: number;
  /** A VEN reports offline, stays silent for 1-3 minutes, then reports online. @default {0.001} */
  offline: number;
}

/** The default anomaly rates. */
export const DEFAULT_ANOMALIES: AnomalyRates = { spike: 0.003, breach: 0.002, gap: 0.001, offline: 0.001 };

/** A simulated plant. */
export interface SimPlant {
  id: string;
  name: string;
  type: PlantDef["type"];
  capacityMw: number;
  /** Not producing (maintenance, offline): reports 0 MW, no anomalies. */
  idle: boolean;
  silentUntil: number;
  breachLeft: number;
  wind: { wind: number };
}

/** A simulated site meter. */
export interface SimMeter {
  id: string;
  siteId: string;
  category: "CONS" | "PROD" | "INJ" | "STOR";
  typicalKw: number;
  silentUntil: number;
}

/** An asset or energy source of a site, reporting its own power on its own topic. */
export interface SimEquipment {
  id: string;
  siteId: string;
  entityType: "asset" | "energy_source";
  /** `assets.asset_type` or `energy_sources.source_type`. */
  type: string;
  /** Rated power (assets) or capacity (energy sources), kW. */
  ratedKw: number;
}

/** An ADR event as the simulated VEN understood it. */
export interface SimEvent {
  id: string;
  start: number;
  end: number;
  /** 0-1: how much of the shed-capable load to drop. */
  shedFraction: number;
  opt: "optIn" | "optOut";
}

/** A simulated VEN. */
export interface SimVen {
  id: string;
  name: string;
  loads: { loadId: string; type: string; capacityKw: number; shedKw: number }[];
  /** Offline until then (status offline sent; online is sent when it passes). */
  offlineUntil: number;
  silentUntil: number;
  events: Map<string, SimEvent>;
}

/** What one tick of one entity produces. */
export type Emission = { topic: "telemetry" | "status"; payload: Record<string, unknown> };

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const MIN = 60_000;

/** The plant's telemetry at `now`, or nothing while it is silent. */
export function plantTick(p: SimPlant, now: number, rand: () => number, rates: AnomalyRates): Emission[] {
  if (now < p.silentUntil) return [];
  if (rand() < rates.gap) {
    p.silentUntil = now + (2 + rand() * 3) * MIN;
    return [];
  }
  let mw = p.idle ? 0 : p.capacityMw * outputFraction(p.type, now, rand, p.wind);
  if (p.idle) {
    // no anomalies from a plant that is not running
  } else if (p.breachLeft > 0) {
    p.breachLeft--;
    mw = p.capacityMw * (1.03 + rand() * 0.07);
  } else if (rand() < rates.breach) {
    p.breachLeft = 2;
    mw = p.capacityMw * (1.03 + rand() * 0.07);
  } else if (rand() < rates.spike) {
    mw = Math.max(mw, p.capacityMw * 0.05) * (3.5 + rand());
  }
  return [{
    topic: "telemetry",
    payload: { ts: new Date(now).toISOString(), mw: round(mw), metric: "power_mw" },
  }];
}

/** The meter's power measurement at `now`. */
export function meterTick(m: SimMeter, now: number, rand: () => number, rates: AnomalyRates): Emission[] {
  if (now < m.silentUntil) return [];
  if (rand() < rates.gap) {
    m.silentUntil = now + (2 + rand() * 3) * MIN;
    return [];
  }
  const h = (now / 3_600_000) % 24;
  const sun = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
  const working = h >= 6 && h < 22 ? 1 : 0.45;
  const shape = {
    CONS: working,
    PROD: 0.3 + sun,
    INJ: sun * 0.8,
    // positive while charging (domain/live.ts): midday from the sun; discharging into the evening peak
    STOR: h >= 10 && h < 14 ? 1 : h >= 17 && h < 21 ? -1 : 0.1,
  }[
    m.category
  ];
  let kw = m.typicalKw * shape * (0.9 + 0.2 * rand());
  if (rand() < rates.spike) kw = Math.max(Math.abs(kw), m.typicalKw * 0.2) * (3.5 + rand());
  const quality = rand() < 0.01 ? "estimated" : "good";
  return [{
    topic: "telemetry",
    payload: { ts: new Date(now).toISOString(), metric: "power", value: round(kw, 2), unit: "kW", quality },
  }];
}

/**
 * The asset's or energy source's power measurement at `now`. Its noise comes from its id and the time,
 * not from `rand`, so adding equipment leaves the seeded sequence of plants, VENs and meters unchanged.
 */
export function equipmentTick(e: SimEquipment, now: number): Emission[] {
  const h = (now / 3_600_000) % 24;
  const sun = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
  const working = h >= 6 && h < 22 ? 1 : 0.3;
  const noise = 0.9 + 0.2 * unitNoise(`${e.id}:${Math.floor(now / 1_000)}`);
  const shape = e.entityType === "asset"
    ? (e.type === "server_rack" || e.type === "refrigeration" || e.type === "ups" ? 0.8 : 0.65 * working)
    : e.type === "solar"
    ? sun
    : e.type === "wind"
    ? 0.35 + 0.3 * Math.sin(now / 1_800_000)
    : e.type === "battery"
    ? (h >= 10 && h < 14 ? 0.5 : h >= 17 && h < 21 ? -0.6 : 0.05) // positive while charging
    : e.type === "grid"
    ? 0.4 * working
    : 0.7 * working; // generator, chp, hydrogen
  return [{
    topic: "telemetry",
    payload: {
      ts: new Date(now).toISOString(),
      metric: "power",
      value: round(e.ratedKw * shape * noise, 2),
      unit: "kW",
    },
  }];
}

/** A number in [0, 1) from `key` (FNV-1a). */
function unitNoise(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/** The VEN's status changes and telemetry at `now`. */
export function venTick(v: SimVen, now: number, rand: () => number, rates: AnomalyRates): Emission[] {
  const ts = new Date(now).toISOString();
  const out: Emission[] = [];
  if (v.offlineUntil > 0) {
    if (now < v.offlineUntil) return [];
    v.offlineUntil = 0;
    out.push({ topic: "status", payload: { ts, status: "online", details: { reason: "reconnected" } } });
  } else if (rand() < rates.offline) {
    v.offlineUntil = now + (1 + rand() * 2) * MIN;
    return [{
      topic: "status",
      payload: { ts, status: "offline", details: { reason: "communication lost" } },
    }];
  }
  if (now < v.silentUntil) return out;
  if (rand() < rates.gap) {
    v.silentUntil = now + (2 + rand() * 3) * MIN;
    return out;
  }
  const h = (now / 3_600_000) % 24;
  const shed = sheddingFraction(v, now);
  let used = 0;
  let shedTotal = 0;
  const loads = v.loads.map((l) => {
    const util = l.type === "refrigeration" || l.type === "battery"
      ? 0.55 + 0.1 * rand()
      : (h >= 6 && h < 21 ? 0.7 : 0.3) + 0.15 * rand();
    const normal = l.capacityKw * util;
    const dropped = Math.min(normal, l.shedKw * shed);
    used += normal - dropped;
    shedTotal += dropped;
    return {
      loadId: l.loadId,
      type: l.type,
      usedKw: round(normal - dropped, 2),
      shedCapableKw: shed > 0 ? 0 : l.shedKw,
      capacityKw: l.capacityKw,
    };
  });
  out.push({
    topic: "telemetry",
    payload: { ts, usedPowerKw: round(used, 2), shedPowerKw: round(shedTotal, 2), loads },
  });
  return out;
}

/** The share of shed-capable load a VEN drops at `now`: that of the opted-in event running, if any. */
export function sheddingFraction(v: SimVen, now: number): number {
  let fraction = 0;
  for (const e of v.events.values()) {
    if (e.opt === "optIn" && now >= e.start && now < e.end) fraction = Math.max(fraction, e.shedFraction);
  }
  return fraction;
}
