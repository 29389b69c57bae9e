/**
 * `POST /api/sites/{siteId}/recommendations/generate`: runs the recommendation rules on the site's measured
 * data now (recommendations/generator.ts) and answers what was created, updated, withdrawn and kept, and why
 * the other rules did not fire. Each created, updated or withdrawn recommendation is audited.
 */
import { z } from "zod";
import { Uuid } from "../../../../../domain/common.ts";
import { RecommendationRun } from "../../../../../domain/recommendation_run.ts";
import { audit } from "../../../../../api/audit.ts";
import { notFound } from "../../../../../api/crud.ts";
import { operation, route } from "../../../../../api/operation.ts";
import { generateRecommendations } from "../../../../../recommendations/generator.ts";

export const { handler, openapi } = route({
  POST: operation({
    summary: "Generate a site's recommendations from its measured data",
    description:
      "Runs every rule over the last 30 days of the site's rollups and measurements, grid links, " +
      "assets and energy sources. One recommendation per site, asset and rule: an open one is updated with " +
      "fresh figures, one a user accepted, rejected or implemented is never changed, an open one whose rule " +
      "no longer fires is withdrawn (inactive). A site with too little data gets nothing; `reason` says why. " +
      "Each recommendation's `metadata` holds the rule, its version, the reason, the inputs and constants.",
    tags: ["Hierarchy"],
    access: "operator",
    params: z.strictObject({ siteId: Uuid }),
    response: RecommendationRun,
    problems: [404],
  }, async ({ services, user, params }) => {
    const result = await generateRecommendations(services.sql, params.siteId);
    if (!result) throw notFound("site", params.siteId);
    for (const change of result.changes) {
      await audit(services, user, {
        action: change.action,
        entity: "recommendation",
        entityId: change.after.id as string,
        before: change.before,
        after: change.after,
      });
    }
    return result.run;
  }),
});
