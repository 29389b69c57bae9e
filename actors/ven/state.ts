/**
 * The VEN actor's state and the sink names its effects write to.
 * @module
 */
import type { OpenAlerts } from "../alerts.ts";
import type { BaselineState } from "../detectors/baseline.ts";
import type { RollupState } from "../rollup.ts";
import type { ThresholdState } from "../detectors/threshold.ts";
import type { VenLoadLive } from "../../domain/live.ts";
import type { Opt, VenConfig } from "./config.ts";
import type { Participation, UsedSample } from "./participation.ts";

/** Online, offline (reported, or inferred from silence), or unknown before anything was heard. */
export type VenStatus = "online" | "offline" | "unknown";

/** The VEN actor's state. */
export interface VenState {
  id: string;
  config: VenConfig;
  status: VenStatus;
  /** Who said so: the VEN itself, or GridPulse from its silence or its telemetry. */
  statusSource?: "device" | "detector";
  /** Host clock when the VEN last sent telemetry or status (drives the offline deadline). */
  lastSeenAt?: number;
  /** Host clock when the actor started: the deadline of a VEN that never reported. */
  startedAt: number;
  /** The last in-order telemetry. */
  last?: { ts: number; usedPowerKw: number; shedPowerKw: number; loads: VenLoadLive[] };
  /** Rolling baseline of used power (spikes; fallback event baseline). */
  baseline: BaselineState;
  /** Telemetry time of the last in-order sample. */
  lastTs: number;
  rules: Record<string, ThresholdState>;
  /** Rollups of used and shed power (series `ven`). */
  rollups: Record<string, RollupState>;
  /**
   * Created with no telemetry of the VEN stored: it sees every sample, so its first rollup buckets are
   * exact. Not in the snapshot.
   */
  noReadings?: true;
  /** The last samples of used power (seeding the baseline of events learned late). */
  recent: UsedSample[];
  /** ADR events the VEN takes part in, by id, until a while after they end. */
  events: Record<string, Participation>;
  /** Answers to events the actor had not heard of yet (the VEN can be quicker than the API's notice). */
  responses: Record<string, Opt>;
  /** Ids of the events in progress now, as the live state lists them. */
  active: string[];
  alerts: OpenAlerts;
  /** Host clock of the last `reading` change event. */
  lastEventAt?: number;
  /** Host clock when `vens.status`/`last_seen_at` were last written. */
  presenceAt?: number;
}

/** Sinks of the VEN kind (actors/ven/sinks.ts). */
export const SINKS = {
  telemetry: "ven_telemetry",
  loads: "ven_load_samples",
  statuses: "ven_statuses",
  presence: "ven_presence",
  responses: "adr_responses",
  progress: "adr_progress",
} as const;

/** At most this many recent samples are kept. */
export const MAX_RECENT = 60;
/** At most this many early answers are kept. */
export const MAX_RESPONSES = 32;
/** An event is forgotten this long after its end (late telemetry still counts until then). */
export const EVENT_GRACE_MS = 10 * 60_000;
/** At most one `reading` change event per VEN per this many ms. */
export const READING_EVENT_INTERVAL_MS = 1_000;
/** `vens.last_seen_at` is refreshed at most this often (status changes are written at once). */
export const PRESENCE_INTERVAL_MS = 60_000;
