/**
 * VENs (seed 002): OpenADR-style demand-response endpoints, their loads and their telemetry history.
 * Live values (status, used/shed kW per load) come from the VEN actor's cached state (`live.ts`).
 * @module
 */
import { z } from "zod";
import { DateTime, JsonObject, Uuid } from "./common.ts";
import { VenLiveState } from "./live.ts";

const VEN_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const GROUP = /^[A-Za-z0-9_.:-]{1,60}$/;

/** A VEN as the registry holds it, with its live state from the cache when the actor has one. */
export const Ven = z.object({
  id: Uuid,
  venName: z.string(),
  displayName: z.string().nullable(),
  siteId: Uuid.nullable(),
  groups: z.array(z.string()),
  status: z.enum(["online", "offline", "unknown"]).describe("Last status persisted by the actor"),
  expectedIntervalS: z.number().int(),
  detection: JsonObject,
  registeredAt: DateTime,
  lastSeenAt: DateTime.nullable(),
  metadata: JsonObject,
  active: z.boolean(),
  updatedAt: DateTime,
}).meta({ id: "Ven" });

/** A VEN with its live state (null when its actor has not reported yet). */
export const VenDetail = z.object({ ...Ven.shape, live: VenLiveState.nullable() }).meta({ id: "VenDetail" });

/** The body that registers a VEN. */
export const VenInput = z.strictObject({
  venName: z.string().regex(VEN_NAME, "must be 1-100 of A-Z a-z 0-9 _ . : -"),
  displayName: z.string().trim().max(200).nullable().optional(),
  siteId: Uuid.nullable().optional(),
  groups: z.array(z.string().regex(GROUP, "must be 1-60 of A-Z a-z 0-9 _ . : -")).max(50).optional(),
  expectedIntervalS: z.number().int().min(1).max(86_400).optional(),
  detection: JsonObject.optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "VenInput" });

/** A load of a VEN: its registration merged with its live values. */
export const VenLoad = z.object({
  loadId: z.string(),
  loadType: z.string(),
  name: z.string().nullable(),
  capacityKw: z.number().nullable(),
  shedCapableKw: z.number().nullable(),
  usedKw: z.number().nullable().describe("Live; null when the VEN has not reported this load"),
  live: z.boolean().describe("Whether the VEN's last telemetry included this load"),
}).meta({ id: "VenLoad" });

/** One VEN telemetry row, or a bucket of them. */
export const VenHistoryPoint = z.object({
  ts: DateTime.describe("The row's time, or the bucket's start"),
  usedPowerKw: z.number().describe("The value, or the bucket's average"),
  shedPowerKw: z.number(),
  maxUsedPowerKw: z.number(),
  samples: z.number().int(),
}).meta({ id: "VenHistoryPoint" });

/** Who stated a VEN status: the VEN itself (`device`), or GridPulse after silence or telemetry (`detector`). */
export const VEN_STATUS_SOURCES = ["device", "detector"] as const;

/** A status a VEN reported or GridPulse inferred (`ven_statuses`), with its structured details. */
export const VenStatusChange = z.object({
  ts: DateTime.describe("When the status held: the report's time, or when GridPulse inferred it"),
  status: z.enum(["online", "offline"]),
  source: z.enum(VEN_STATUS_SOURCES),
  details: JsonObject.describe("As the VEN sent them, or the detector's reason"),
  createdAt: DateTime.describe("When GridPulse stored it"),
}).meta({ id: "VenStatusChange" });

/** One load sample, or a bucket of them. */
export const LoadHistoryPoint = z.object({
  ts: DateTime,
  usedKw: z.number(),
  shedCapableKw: z.number(),
  maxUsedKw: z.number(),
  samples: z.number().int(),
}).meta({ id: "LoadHistoryPoint" });

/** One bucket of `/api/stats/network/history`: the network's totals over time. */
export const NetworkHistoryPoint = z.object({
  ts: DateTime,
  usedPowerKw: z.number().describe("Sum over VENs of their average in the bucket"),
  shedPowerKw: z.number(),
  vens: z.number().int().describe("VENs that reported in the bucket"),
}).meta({ id: "NetworkHistoryPoint" });
