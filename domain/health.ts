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

/** The actor runtime's live figures (`actors/runtime.ts` `RuntimeStats`). */
export const RuntimeStats = z.object({
  workers: z.number().int(),
  workersAlive: z.number().int(),
  shards: z.number().int(),
  actors: z.number().int(),
  actorsByKind: z.object({ plant: z.number().int(), ven: z.number().int(), site: z.number().int() }),
  messagesPerSecond: z.number().describe("Over the last 10 s"),
  messagesIn: z.number().int(),
  messagesAcked: z.number().int(),
  messagesRejected: z.number().int(),
  pendingAcks: z.number().int(),
  workerRestarts: z.number().int(),
  state: z.enum(["starting", "running", "failed", "stopped"]),
  failure: z.string().optional(),
}).meta({ id: "RuntimeStats" });

/** `/api/runtime`: the runtime's figures, or `running: false` when this process hosts no actors. */
export const RuntimeStatus = z.object({
  running: z.boolean(),
  stats: RuntimeStats.nullable(),
  ts: DateTime,
}).meta({ id: "RuntimeStatus" });
