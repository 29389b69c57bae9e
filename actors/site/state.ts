/**
 * The site actor's state: per meter, per metric detector and rollup state, the meter's latest power
 * (for the dashboard) and when it was last heard of (its own gap deadline).
 * @module
 */
import type { OpenAlerts } from "../alerts.ts";
import type { BaselineState } from "../detectors/baseline.ts";
import type { ThresholdState } from "../detectors/threshold.ts";
import type { RollupState } from "../rollup.ts";
import type { SiteConfig } from "./config.ts";

/** One metric of one meter. */
export interface MetricState {
  baseline: BaselineState;
  /** Reading time of the last in-order reading. */
  lastTs: number;
  rules: Record<string, ThresholdState>;
  rollup: RollupState;
}

/** One meter. */
export interface MeterState {
  /** Host clock of its last reading (drives its gap deadline). */
  lastSeenAt?: number;
  metrics: Record<string, MetricState>;
  /** Its latest good power reading, in kW. */
  power?: { kw: number; ts: number };
  /** Host clock of its last `reading` change event. */
  lastEventAt?: number;
}

/** One asset or energy source: what its latest value and change events need. */
export interface EquipmentState {
  /** Per metric, the reading time of its last in-order reading (older ones do not replace the latest value). */
  lastTs: Record<string, number>;
  /** Host clock of its last `reading` change event. */
  lastEventAt?: number;
}

/** The site actor's state. */
export interface SiteState {
  id: string;
  config: SiteConfig;
  /** Host clock when the actor started: the gap deadline of a meter that never reported. */
  startedAt: number;
  meters: Record<string, MeterState>;
  /** The site's assets and energy sources that reported, by id (UUIDs: no asset shares a source's id). */
  equipment: Record<string, EquipmentState>;
  /** Open alerts of the site's meters, by dedupe key (keys end with the meter id). */
  alerts: OpenAlerts;
  /**
   * Created with no measurement of the site stored: it sees every reading of its meters, so their first
   * rollup buckets are exact. Not in the snapshot.
   */
  noReadings?: true;
}

/** The `measurements` sink. */
export const MEASUREMENTS_SINK = "measurements";
/** At most one `reading` change event per meter per this many ms. */
export const READING_EVENT_INTERVAL_MS = 1_000;
/**
 * The dashboard is written again this often while any meter's power is current, so its 1-minute TTL
 * does not expire between the readings of meters that report every 5 or 15 minutes.
 */
export const DASHBOARD_REFRESH_MS = 30_000;

/** Units of readings sent without one (power: the meter's unit; kW for assets and energy sources). */
export const DEFAULT_UNITS: Record<string, string> = {
  energy: "kWh",
  voltage: "V",
  current: "A",
  power_factor: "ratio",
  frequency: "Hz",
  temperature: "°C",
  state_of_charge: "%",
};
