/** `GET /api/stats/network/history`: network used and shed power over time, from VEN telemetry. */
import { z } from "zod";
import { resolveTimeRange, TIME_RANGE_LIMITS, timeRange } from "../../../../domain/common.ts";
import { NetworkHistoryPoint } from "../../../../domain/ven.ts";
import { networkHistory } from "../../../../stores/postgres/repos/vens.ts";
import { operation, route } from "../../../../api/operation.ts";

// buckets are computed from raw telemetry, so the raw span limit applies to every interval
const range = timeRange({
  intervals: ["1m", "10m", "30m", "3h", "6h"],
  defaultInterval: "10m",
  rollupMaxSpanMs: TIME_RANGE_LIMITS.rawMaxSpanMs,
});

export const { handler, openapi } = route({
  GET: operation({
    summary: "Network power history in buckets",
    description: "Each bucket sums, over the VENs that reported in it, their average used and shed power. " +
      "At most 31 days and 10,000 buckets.",
    tags: ["Stats"],
    query: z.strictObject(range.shape).superRefine(range.check),
    response: z.object({ interval: z.string(), items: z.array(NetworkHistoryPoint) }).meta({
      id: "NetworkHistory",
    }),
  }, async ({ services, query }) => {
    const r = resolveTimeRange(query);
    return { interval: r.interval, items: await networkHistory(services.sql, r) };
  }),
});
