/**
 * Flexibility offers (seed 000): short-term up/down volume offered on a market by a plant or site.
 * @module
 */
import { z } from "zod";
import { DateTime, DateTimeInput, finite, JsonObject, name, Uuid } from "./common.ts";

/** Offer lifecycle states. */
export const OFFER_STATUSES = [
  "draft",
  "submitted",
  "accepted",
  "rejected",
  "activated",
  "expired",
  "cancelled",
] as const;
/** Markets an offer or dispatch can target. */
export const MARKETS = ["day_ahead", "intraday", "balancing", "fcr", "afrr", "mfrr"] as const;

/** A flexibility offer as the API returns it. */
export const Offer = z.object({
  id: Uuid,
  name: z.string(),
  status: z.enum(OFFER_STATUSES),
  createdAt: DateTime,
  updatedAt: DateTime,
  plantId: Uuid.nullable(),
  siteId: Uuid.nullable(),
  direction: z.enum(["up", "down"]),
  volumeMw: z.number(),
  priceEurMwh: z.number(),
  deliveryStart: DateTime,
  deliveryEnd: DateTime,
  market: z.enum(MARKETS),
  metadata: JsonObject,
}).meta({ id: "Offer" });

const offerFields = {
  name: name(),
  status: z.enum(OFFER_STATUSES).optional(),
  plantId: Uuid.nullable().optional(),
  siteId: Uuid.nullable().optional(),
  direction: z.enum(["up", "down"]),
  volumeMw: finite().positive("must be greater than 0"),
  priceEurMwh: finite(),
  deliveryStart: DateTimeInput,
  deliveryEnd: DateTimeInput,
  market: z.enum(MARKETS),
  metadata: JsonObject.optional(),
};

/** Checks that hold for a whole offer; a partial update is checked again by the database. */
function offerChecks(
  value: { plantId?: string | null; siteId?: string | null; deliveryStart?: Date; deliveryEnd?: Date },
  ctx: z.RefinementCtx,
) {
  // refinements run even when a field failed to parse: compare only parsed dates
  const { deliveryStart: start, deliveryEnd: end } = value;
  if (start instanceof Date && end instanceof Date && end <= start) {
    ctx.addIssue({ code: "custom", path: ["deliveryEnd"], message: "must be after deliveryStart" });
  }
}

/** The body that creates an offer: a plant or a site, a delivery window that ends after it starts. */
export const OfferInput = z.strictObject(offerFields).superRefine((value, ctx) => {
  offerChecks(value, ctx);
  if (!value.plantId && !value.siteId) {
    ctx.addIssue({ code: "custom", path: ["plantId"], message: "plantId or siteId is required" });
  }
}).meta({ id: "OfferInput" });

/** The body that updates an offer: any subset of the fields. */
export const OfferPatch = z.strictObject(offerFields).partial().superRefine(offerChecks).meta({
  id: "OfferPatch",
});
