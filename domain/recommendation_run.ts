/**
 * What one run of the recommendation generator did for a site (`POST /api/sites/{siteId}/recommendations/generate`
 * answers it): the recommendations it created, updated with fresh figures, or withdrew, the ones it left
 * alone because a user decided on them, and why each other rule did not fire.
 * @module
 */
import { z } from "zod";
import { DateTime, Uuid } from "./common.ts";
import { RECOMMENDATION_STATUSES } from "./hierarchy.ts";

/** A recommendation a run touched or left alone. */
export const GeneratedRecommendation = z.object({
  id: Uuid,
  rule: z.string(),
  assetId: Uuid.nullable(),
  title: z.string(),
  status: z.enum(RECOMMENDATION_STATUSES),
}).meta({ id: "GeneratedRecommendation" });

/** A rule that did not fire for a subject, and why. */
export const RuleVerdict = z.object({
  rule: z.string(),
  assetId: Uuid.nullable(),
  outcome: z.enum(["clear", "insufficient"]).describe(
    "clear: the data shows nothing to recommend; insufficient: not enough data to say",
  ),
  reason: z.string(),
}).meta({ id: "RuleVerdict" });

/** One run of the generator for one site. */
export const RecommendationRun = z.object({
  siteId: Uuid,
  generatedAt: DateTime,
  window: z.object({ from: DateTime, to: DateTime, days: z.number().int() }),
  reason: z.string().nullable().describe(
    "Why no rule ran (not enough data, inactive site); null when they ran",
  ),
  created: z.array(GeneratedRecommendation),
  updated: z.array(GeneratedRecommendation).describe(
    "Open ones of the same site, asset and rule, with fresh figures",
  ),
  withdrawn: z.array(GeneratedRecommendation).describe(
    "Open ones whose rule no longer fires on the data: set inactive, the reason in metadata.withdrawn",
  ),
  kept: z.array(GeneratedRecommendation).describe(
    "Accepted, rejected or implemented by a user: never changed or reopened by the generator",
  ),
  notFired: z.array(RuleVerdict),
}).meta({ id: "RecommendationRun" });
export type RecommendationRun = z.output<typeof RecommendationRun>;
