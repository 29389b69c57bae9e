/** `GET /api/meter-readings/recent`: the newest plant readings, bounded by a window in hours, paged. */
import { z } from "zod";
import { paged, pageWindow, Paging, recentWindow, Uuid } from "../../../domain/common.ts";
import { MeterReading } from "../../../domain/reading.ts";
import { recentMeterReadings } from "../../../stores/postgres/repos/readings.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Recent plant meter readings, newest first",
    tags: ["Readings"],
    query: z.strictObject({
      ...Paging.shape,
      hours: recentWindow(24, 168),
      plant_id: Uuid.optional(),
      metric_type: z.string().max(40).optional(),
    }),
    response: paged(MeterReading, "MeterReadingPage").extend({
      totalCapped: z.boolean().describe(
        "True when more readings match than were counted: `total` is then the count's cap (10,000)",
      ),
    }).meta({ id: "MeterReadingPage" }),
  }, async ({ services, query }) => {
    const { page, page_size, hours } = query;
    const result = await recentMeterReadings(services.sql, {
      since: new Date(Date.now() - hours * 3_600_000),
      plantId: query.plant_id,
      metricType: query.metric_type,
    }, pageWindow({ page, page_size }));
    return { ...result, page, pageSize: page_size };
  }),
});
