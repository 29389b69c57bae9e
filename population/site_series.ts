/**
 * The seeded day of the sites and VENs, as pure functions of the catalog and the window's end: meter
 * measurements at each meter's reading frequency, power of every asset and energy source every 15
 * minutes (the simulator's shape), and VEN telemetry every 5 minutes with per-load samples,
 * status changes (one VEN offline for 40 minutes) and the load actually shed during the ADR events its VEN
 * opted into.
 * @module
 */
import { type MeterDef, OFFLINE_VEN, type VenDef } from "./catalog.ts";
import { equipmentTick, type SimEquipment } from "./sim_behaviour.ts";
import { seededRandom } from "./ids.ts";
import { WINDOW_MINUTES } from "./plant_series.ts";

const MIN = 60_000;
const round = (v: number) => Math.round(v * 100) / 100;
const hourOf = (ts: number) => (ts / 3_600_000) % 24;

const STEP_MINUTES: Record<MeterDef["frequency"], number> = {
  "1min": 1,
  "5min": 5,
  "15min": 15,
  hourly: 60,
  daily: 1_440,
};

/** One measurement row. */
export interface MeasurementRow {
  ts: number;
  metric: "power" | "state_of_charge";
  value: number;
  unit: string;
  quality: "good" | "bad" | "estimated";
}

/** Timestamps of a meter in the window: multiples of its step, ascending. */
export function meterTimes(frequency: MeterDef["frequency"], end: number): number[] {
  const step = STEP_MINUTES[frequency] * MIN;
  const start = end - (WINDOW_MINUTES - 1) * MIN;
  const out: number[] = [];
  for (let ts = Math.ceil(start / step) * step; ts <= end; ts += step) out.push(ts);
  return out;
}

/** A meter's measurements: power in kW by category and industry rhythm, plus state of charge for storage. */
export function meterSeries(meter: MeterDef, end: number): MeasurementRow[] {
  const rand = seededRandom(`${meter.site}/${meter.name}`);
  const out: MeasurementRow[] = [];
  let soc = 55;
  for (const ts of meterTimes(meter.frequency, end)) {
    const h = hourOf(ts);
    const sun = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
    const working = h >= 6 && h < 22 ? 1 : 0.45;
    let kw: number;
    switch (meter.category) {
      case "CONS":
        kw = meter.typicalKw *
          (meter.name.startsWith("Data Hall") ? 0.97 + 0.06 * rand() : working * (0.9 + 0.2 * rand()));
        break;
      case "PROD":
        kw = meter.name.includes("PV")
          ? meter.typicalKw * 1.6 * sun * (0.8 + 0.2 * rand())
          : meter.name.includes("Generator")
          ? (Math.floor(h) === 11 ? 400 : 0) // monthly generator test run
          : meter.typicalKw * (0.85 + 0.1 * rand());
        break;
      case "INJ":
        kw = meter.typicalKw * 2 * sun * rand();
        break;
      case "STOR": {
        // domain/live.ts's convention: positive while charging (midday, from the sun), negative while
        // discharging into the evening peak
        kw = h >= 10 && h < 14 ? meter.typicalKw : h >= 17 && h < 21 ? -meter.typicalKw : 0;
        kw *= 0.9 + 0.2 * rand();
        soc = Math.min(
          95,
          Math.max(10, soc + (kw / (meter.typicalKw * 4)) * STEP_MINUTES[meter.frequency] / 15),
        );
        break;
      }
    }
    const q = rand();
    const quality = q < 0.005 ? "bad" : q < 0.03 ? "estimated" : "good";
    out.push({ ts, metric: "power", value: round(kw), unit: "kW", quality });
    if (meter.category === "STOR") {
      out.push({ ts, metric: "state_of_charge", value: round(soc), unit: "%", quality });
    }
  }
  return out;
}

/** An asset's or energy source's power every 15 minutes, shaped as the simulator publishes it. */
export function equipmentSeries(e: SimEquipment, end: number): MeasurementRow[] {
  return meterTimes("15min", end).flatMap((ts) =>
    equipmentTick(e, ts).map((x) => ({
      ts,
      metric: "power" as const,
      value: x.payload.value as number,
      unit: "kW",
      quality: "good" as const,
    }))
  );
}

/** An ADR event window a VEN opted into: it sheds during [start, end). */
export interface SheddingWindow {
  start: number;
  end: number;
}

/** One VEN telemetry message as stored, with its loads. */
export interface VenSample {
  ts: number;
  usedPowerKw: number;
  shedPowerKw: number;
  loads: { loadId: string; type: string; usedKw: number; shedCapableKw: number; capacityKw: number }[];
}

/** VEN telemetry every 5 minutes; none while the VEN is offline. */
export function venSeries(ven: VenDef, end: number, shedding: SheddingWindow[]): VenSample[] {
  const rand = seededRandom(ven.name);
  const offline = venOfflineWindow(end);
  const out: VenSample[] = [];
  for (const ts of meterTimes("5min", end)) {
    if (ven.name === OFFLINE_VEN && ts >= offline.start && ts < offline.end) continue;
    const h = hourOf(ts);
    const shedding_ = shedding.some((w) => ts >= w.start && ts < w.end);
    const loads = ven.loads.map((load) => {
      const util = load.type === "refrigeration" || load.type === "battery"
        ? 0.55 + 0.1 * rand()
        : (h >= 6 && h < 21 ? 0.7 : 0.3) + 0.15 * rand();
      const used = load.capacityKw * util;
      const shed = shedding_ ? Math.min(used, load.shedKw * 0.85) : 0;
      return {
        loadId: load.id,
        type: load.type,
        usedKw: round(used - shed),
        shedCapableKw: shedding_ ? 0 : load.shedKw,
        capacityKw: load.capacityKw,
        shed,
      };
    });
    out.push({
      ts,
      usedPowerKw: round(loads.reduce((n, l) => n + l.usedKw, 0)),
      shedPowerKw: round(loads.reduce((n, l) => n + l.shed, 0)),
      loads: loads.map(({ shed: _shed, ...l }) => l),
    });
  }
  return out;
}

/** When {@linkcode OFFLINE_VEN} was offline in the window ending at `end`. */
export function venOfflineWindow(end: number): SheddingWindow {
  const start = Math.floor((end - 5 * 3_600_000) / (5 * MIN)) * 5 * MIN;
  return { start, end: start + 40 * MIN };
}

/** What a VEN delivered during an event, from its telemetry (adr_participation's figures). */
export function delivered(samples: VenSample[], window: SheddingWindow) {
  const during = samples.filter((s) => s.ts >= window.start && s.ts < window.end);
  const before = samples.filter((s) => s.ts >= window.start - 3_600_000 && s.ts < window.start);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    baselineKw: round(avg(before.map((s) => s.usedPowerKw + s.shedPowerKw))),
    deliveredShedKw: round(avg(during.map((s) => s.shedPowerKw))),
    deliveredKwh: round(during.reduce((n, s) => n + s.shedPowerKw * 5 / 60, 0)),
    samples: during.length,
    lastSampleAt: during.at(-1)?.ts ?? null,
  };
}
