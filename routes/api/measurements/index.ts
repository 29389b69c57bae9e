/** `GET /api/measurements`: measurements of meters, assets and energy sources in a time range. */
import { z } from "zod";
import { paged, pageWindow, Paging, rawTimeRange, resolveTimeRange, Uuid } from "../../../domain/common.ts";
import { Measurement, MEASUREMENT_METRICS, QUALITIES } from "../../../domain/hierarchy.ts";
import { listMeasurements } from "../../../stores/postgres/repos/measurements.ts";
import { operation, route } from "../../../api/operation.ts";

const range = rawTimeRange();

export const { handler, openapi } = route({
  GET: operation({
    summary: "Measurements in a time range, oldest first",
    description: "At most 31 days per query; page through longer results.",
    tags: ["Hierarchy"],
    query: z.strictObject({
      ...Paging.shape,
      ...range.shape,
      site_id: Uuid.optional(),
      entity_type: z.enum(["meter", "asset", "energy_source"]).optional(),
      entity_id: Uuid.optional(),
      metric: z.enum(MEASUREMENT_METRICS).optional(),
      quality: z.enum(QUALITIES).optional(),
    }).superRefine(range.check),
    response: paged(Measurement, "MeasurementPage"),
  }, async ({ services, query }) => {
    const { start, end } = resolveTimeRange(query);
    const { page, page_size } = query;
    const result = await listMeasurements(services.sql, {
      start,
      end,
      siteId: query.site_id,
      entityType: query.entity_type,
      entityId: query.entity_id,
      metric: query.metric,
      quality: query.quality,
    }, pageWindow({ page, page_size }));
    return { ...result, page, pageSize: page_size };
  }),
});
