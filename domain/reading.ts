/**
 * Readings: plant meter readings (seed 000) and their rollups (seed 003), as the API returns them.
 * @module
 */
import { z } from "zod";
import { DateTime, Uuid } from "./common.ts";

/** One raw plant reading. */
export const MeterReading = z.object({
  id: z.number().int(),
  plantId: Uuid,
  ts: DateTime,
  value: z.number(),
  metricType: z.string(),
  receivedAt: DateTime,
}).meta({ id: "MeterReading" });

/** One reading or rollup bucket of `/api/telemetry/readings`: raw rows fill `value`, buckets the rest. */
export const TelemetryPoint = z.object({
  deviceId: Uuid,
  series: z.enum(["plant", "meter", "ven"]),
  metric: z.string(),
  ts: DateTime.describe("The reading's time, or the bucket's start"),
  value: z.number().describe("The reading, or the bucket's average"),
  min: z.number().nullable(),
  max: z.number().nullable(),
  count: z.number().int().describe("Readings in the bucket (1 for raw)"),
  last: z.number().nullable(),
}).meta({ id: "TelemetryPoint" });
