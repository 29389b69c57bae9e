/** `GET /api/vens/{venId}/loads/{loadId}/history`: one load's samples over a time range. */
import { z } from "zod";
import {
  LoadId,
  paged,
  pageWindow,
  Paging,
  resolveTimeRange,
  TIME_RANGE_LIMITS,
  timeRange,
  Uuid,
} from "../../../../../../domain/common.ts";
import { LoadHistoryPoint } from "../../../../../../domain/ven.ts";
import { loadHistory } from "../../../../../../stores/postgres/repos/vens.ts";
import { vens } from "../../../../../../api/resources.ts";
import { operation, route } from "../../../../../../api/operation.ts";

const range = timeRange({ rollupMaxSpanMs: TIME_RANGE_LIMITS.rawMaxSpanMs });

export const { handler, openapi } = route({
  GET: operation({
    summary: "A load's sample history",
    description: "Raw samples, or buckets (average, maximum, sample count). At most 31 days per query.",
    tags: ["VENs"],
    params: z.strictObject({ venId: Uuid, loadId: LoadId }),
    query: z.strictObject({ ...Paging.shape, ...range.shape }).superRefine(range.check),
    response: paged(LoadHistoryPoint, "LoadHistoryPage"),
    problems: [404],
  }, async ({ services, params, query }) => {
    await vens.load(services, params.venId);
    const { page, page_size } = query;
    const result = await loadHistory(
      services.sql,
      params.venId,
      params.loadId,
      resolveTimeRange(query),
      pageWindow({ page, page_size }),
    );
    return { ...result, page, pageSize: page_size };
  }),
});
