/**
 * `GET /api/ingestion-log`: accepted and rejected messages per source and minute, as the writer counts
 * them, newest first, with the totals over the range.
 */
import { z } from "zod";
import { DateTimeInput, paged, pageWindow, Paging, rawTimeRange } from "../../../domain/common.ts";
import { IngestionLogEntry, IngestionTotals } from "../../../domain/ingestion.ts";
import { ingestionLog } from "../../../stores/postgres/repos/ingestion_log.ts";
import { operation, route } from "../../../api/operation.ts";

const range = rawTimeRange();
const HOUR_MS = 3_600_000;

export const { handler, openapi } = route({
  GET: operation({
    summary: "Accepted and rejected messages per source and minute, newest first",
    description: "Sources are `mqtt:{kind}` (`mqtt:plant`, `mqtt:ven`, `mqtt:site`, and `mqtt:unknown` for " +
      "topics no kind routes). The range spans at most 31 days and defaults to the hour before `end_time`; " +
      "`totals` sums the whole range. Why messages were rejected: `/api/telemetry/events`.",
    tags: ["Readings"],
    query: z.strictObject({
      ...Paging.shape,
      start_time: DateTimeInput.optional().describe("Inclusive start; default: an hour before end_time"),
      end_time: DateTimeInput.optional().describe("Exclusive end; default: now"),
      source: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
    }).superRefine(range.check),
    response: paged(IngestionLogEntry, "IngestionLogPage").extend({ totals: IngestionTotals })
      .meta({ id: "IngestionLogPage" }),
  }, async ({ services, query }) => {
    const end = query.end_time ?? new Date();
    const start = query.start_time ?? new Date(end.getTime() - HOUR_MS);
    const { page, page_size } = query;
    const result = await ingestionLog(services.sql, { start, end, source: query.source }, pageWindow(query));
    return { ...result, page, pageSize: page_size };
  }),
});
