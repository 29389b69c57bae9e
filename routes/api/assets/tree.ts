/** `GET /api/assets/tree?site_id=`: a site's assets nested under their parents. */
import { z } from "zod";
import { Uuid } from "../../../domain/common.ts";
import { AssetNode } from "../../../domain/hierarchy.ts";
import { sites } from "../../../api/resources.ts";
import { assetTree } from "../../../stores/postgres/repos/hierarchy.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "A site's assets as a tree",
    description: "Roots are assets without a parent in the site; each node has `children`.",
    tags: ["Hierarchy"],
    query: z.strictObject({ site_id: Uuid, meter_id: Uuid.optional() }),
    response: z.object({ siteId: Uuid, items: z.array(AssetNode) }).meta({ id: "AssetTree" }),
    problems: [404],
  }, async ({ services, query }) => {
    await sites.load(services, query.site_id);
    return { siteId: query.site_id, items: await assetTree(services.sql, query.site_id, query.meter_id) };
  }),
});
