/**
 * What `/api/health` and `/api/ready` answer.
 * @module
 */
import { z } from "zod";
import { DateTime } from "./common.ts";

/** Liveness: the process answers. */
export const Health = z.object({
  status: z.literal("ok"),
  version: z.string(),
  uptimeSeconds: z.number(),
  ts: DateTime,
}).meta({ id: "Health" });

/** One store in `/api/ready` (location and error only for a signed-in caller). */
export const StoreReadiness = z.object({
  store: z.string(),
  backend: z.string(),
  state: z.enum(["up", "degraded", "down"]),
  required: z.boolean(),
  latencyMs: z.number().optional(),
  location: z.string().optional(),
  error: z.string().optional(),
  detail: z.string().optional(),
}).meta({ id: "StoreReadiness" });

/** Readiness: every store's state; `unavailable` (HTTP 503) when a required store is down. */
export const Readiness = z.object({
  status: z.enum(["ready", "degraded", "unavailable"]),
  stores: z.array(StoreReadiness),
  ts: DateTime,
}).meta({ id: "Readiness" });
