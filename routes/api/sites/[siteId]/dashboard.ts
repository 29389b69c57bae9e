/** `GET /api/sites/{siteId}/dashboard`: the site's totals from the 1-minute dashboard cache. */
import { z } from "zod";
import { Uuid } from "../../../../domain/common.ts";
import { SiteDashboard } from "../../../../domain/live.ts";
import { siteDashboard } from "../../../../api/live.ts";
import { sites } from "../../../../api/resources.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "A site's live dashboard",
    description:
      "Consumption, production, injection and storage totals the site actor caches for a minute. " +
      "`dashboard` is null when the site has reported nothing in the last minute.",
    tags: ["Live"],
    params: z.strictObject({ siteId: Uuid }),
    response: z.object({ siteId: Uuid, dashboard: SiteDashboard.nullable() }).meta({
      id: "SiteDashboardResponse",
    }),
    problems: [404],
  }, async ({ services, params }) => {
    const dashboard = await siteDashboard(services, params.siteId);
    // only a miss needs the database: to tell "no data yet" from "no such site"
    if (!dashboard) await sites.load(services, params.siteId);
    return { siteId: params.siteId, dashboard: dashboard ?? null };
  }),
});
