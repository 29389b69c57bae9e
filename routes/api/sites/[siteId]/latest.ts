/** `GET /api/sites/{siteId}/latest`: the latest value of each sensor of a site, from the cache. */
import { z } from "zod";
import { Uuid } from "../../../../domain/common.ts";
import { LatestValue } from "../../../../domain/live.ts";
import { siteLatest } from "../../../../api/live.ts";
import { sites } from "../../../../api/resources.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "The latest value of each of a site's sensors",
    description: "One entry per meter and metric reported in the last 5 minutes.",
    tags: ["Live"],
    params: z.strictObject({ siteId: Uuid }),
    response: z.object({ siteId: Uuid, items: z.array(LatestValue) }).meta({ id: "SiteLatest" }),
    problems: [404],
  }, async ({ services, params }) => {
    const items = await siteLatest(services, params.siteId);
    if (items.length === 0) await sites.load(services, params.siteId);
    return { siteId: params.siteId, items };
  }),
});
