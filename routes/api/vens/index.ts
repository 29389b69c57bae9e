/** `/api/vens`: the VEN registry with each VEN's live state; register a VEN. */
import { z } from "zod";
import { paged, pageWindow, Paging, Uuid } from "../../../domain/common.ts";
import { VenDetail } from "../../../domain/ven.ts";
import { listRows } from "../../../stores/postgres/repos/crud.ts";
import { VEN_TABLE, vens } from "../../../api/resources.ts";
import { withLive } from "../../../api/vens.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "List VENs with their live state",
    tags: ["VENs"],
    query: z.strictObject({
      ...Paging.shape,
      status: z.enum(["online", "offline", "unknown"]).optional(),
      site_id: Uuid.optional(),
      group: z.string().max(60).optional().describe("Only VENs in this group"),
    }),
    response: paged(VenDetail, "VenPage"),
  }, async ({ services, query }) => {
    const { page, page_size } = query;
    const { sql } = services;
    const result = await listRows(sql, VEN_TABLE, {
      equals: { status: query.status, site_id: query.site_id },
      extra: query.group ? [sql`groups @> array[${query.group}]::text[]`] : [],
      ...pageWindow({ page, page_size }),
    });
    return { items: await withLive(services, result.items), total: result.total, page, pageSize: page_size };
  }),
  POST: vens.ops.create,
});
