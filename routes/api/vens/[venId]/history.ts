/** `GET /api/vens/{venId}/history`: a VEN's panel telemetry over a time range, raw or in buckets. */
import { z } from "zod";
import {
  paged,
  pageWindow,
  Paging,
  resolveTimeRange,
  TIME_RANGE_LIMITS,
  timeRange,
  Uuid,
} from "../../../../domain/common.ts";
import { VenHistoryPoint } from "../../../../domain/ven.ts";
import { venHistory } from "../../../../stores/postgres/repos/vens.ts";
import { vens } from "../../../../api/resources.ts";
import { operation, route } from "../../../../api/operation.ts";

// buckets are computed from raw telemetry, so the raw span limit applies to every interval
const range = timeRange({ rollupMaxSpanMs: TIME_RANGE_LIMITS.rawMaxSpanMs });

export const { handler, openapi } = route({
  GET: operation({
    summary: "A VEN's telemetry history",
    description: "Raw rows, or buckets (average, maximum, sample count). At most 31 days per query.",
    tags: ["VENs"],
    params: z.strictObject({ venId: Uuid }),
    query: z.strictObject({ ...Paging.shape, ...range.shape }).superRefine(range.check),
    response: paged(VenHistoryPoint, "VenHistoryPage"),
    problems: [404],
  }, async ({ services, params, query }) => {
    await vens.load(services, params.venId);
    const { page, page_size } = query;
    const result = await venHistory(
      services.sql,
      params.venId,
      resolveTimeRange(query),
      pageWindow({ page, page_size }),
    );
    return { ...result, page, pageSize: page_size };
  }),
});
