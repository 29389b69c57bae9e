/**
 * The documents of seed 000: market signals, dispatch log entries and the audit log, stored in the
 * documents store (MongoDB, or JSONB rows in PostgreSQL). Documents are open-ended: the fields below
 * are the ones GridPulse relies on; others a writer adds (area, currency, setpoint source...) are
 * returned as they are.
 * @module
 */
import { z } from "zod";
import { DateTime, DateTimeInput, finite, JsonObject, Uuid } from "./common.ts";

/** A market price/volume signal. */
export const MarketSignal = z.looseObject({
  id: z.string(),
  market: z.string(),
  timestamp: DateTime,
  price: z.number().describe("EUR/MWh"),
  volume: z.number().describe("MWh"),
}).meta({ id: "MarketSignal" });

/** The body that records a market signal. */
export const MarketSignalInput = z.strictObject({
  market: z.string().trim().min(1).max(100),
  timestamp: DateTimeInput.optional().describe("default: now"),
  price: finite(),
  volume: finite().min(0),
}).meta({ id: "MarketSignalInput" });

/** A dispatch instruction sent to a plant. */
export const DispatchEntry = z.looseObject({
  id: z.string(),
  plantName: z.string(),
  timestamp: DateTime,
  volumeMw: z.number(),
  market: z.string(),
  offerId: z.string().nullable().optional(),
  direction: z.string(),
}).meta({ id: "DispatchEntry" });

/** The body that records a dispatch. */
export const DispatchEntryInput = z.strictObject({
  plantName: z.string().trim().min(1).max(200),
  timestamp: DateTimeInput.optional().describe("default: now"),
  volumeMw: finite().positive("must be greater than 0"),
  market: z.string().trim().min(1).max(100),
  offerId: Uuid.nullable().optional(),
  direction: z.enum(["up", "down"]),
}).meta({ id: "DispatchEntryInput" });

/** An audit record: who changed what, and the entity before and after. */
export const AuditEntry = z.looseObject({
  id: z.string(),
  timestamp: DateTime,
  action: z.string().describe("create, update, delete, or an action such as acknowledge"),
  userId: z.string().nullable(),
  username: z.string().nullable().optional(),
  entity: z.string().optional(),
  entityId: z.string().nullable().optional(),
  before: JsonObject.nullable().optional().describe("The entity before the change; null for a create"),
  after: JsonObject.nullable().optional().describe("The entity after the change; null for a delete"),
  details: JsonObject.optional().describe("What else the writer recorded"),
}).meta({ id: "AuditEntry" });
