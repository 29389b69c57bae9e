/**
 * `GET /api/telemetry/readings`: readings in a time range (seed 003), raw or from one of the rollups
 * (1m, 10m, 30m, 3h, 6h buckets the actors maintain), paged.
 */
import { z } from "zod";
import { paged, pageWindow, Paging, resolveTimeRange, timeRange, Uuid } from "../../../domain/common.ts";
import { TelemetryPoint } from "../../../domain/reading.ts";
import { telemetryReadings } from "../../../stores/postgres/repos/readings.ts";
import { operation, route } from "../../../api/operation.ts";

const range = timeRange();

export const { handler, openapi } = route({
  GET: operation({
    summary: "Telemetry readings or rollup buckets in a time range, oldest first",
    description: "`interval=raw` reads the readings themselves (at most 31 days per query); `1m`, `10m`, " +
      "`30m`, `3h`, `6h` read the rollup of that width (at most 366 days and 10,000 buckets). `series` picks " +
      "plant readings, meter measurements or VEN telemetry; `device_id` one entity.",
    tags: ["Readings"],
    query: z.strictObject({
      ...Paging.shape,
      ...range.shape,
      series: z.enum(["plant", "meter", "ven"]).default("plant"),
      device_id: Uuid.optional(),
      metric: z.string().max(40).optional(),
    }).superRefine(range.check),
    response: paged(TelemetryPoint, "TelemetryPointPage"),
  }, async ({ services, query }) => {
    const { start, end, interval } = resolveTimeRange(query);
    const { page, page_size } = query;
    const result = await telemetryReadings(services.sql, {
      series: query.series,
      start,
      end,
      interval,
      deviceId: query.device_id,
      metric: query.metric,
    }, pageWindow({ page, page_size }));
    return { ...result, page, pageSize: page_size };
  }),
});
