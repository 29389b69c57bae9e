/** `GET /api/vens/{venId}/statuses`: the statuses a VEN reported or GridPulse inferred, newest first. */
import { z } from "zod";
import {
  paged,
  pageWindow,
  Paging,
  rawTimeRange,
  resolveTimeRange,
  Uuid,
} from "../../../../domain/common.ts";
import { VenStatusChange } from "../../../../domain/ven.ts";
import { venStatuses } from "../../../../stores/postgres/repos/vens.ts";
import { vens } from "../../../../api/resources.ts";
import { operation, route } from "../../../../api/operation.ts";

const range = rawTimeRange();

export const { handler, openapi } = route({
  GET: operation({
    summary: "A VEN's status changes",
    description: "Status reports of the VEN (source `device`, with the details it sent) and the statuses " +
      "GridPulse inferred from silence or telemetry (source `detector`), newest first. Without `start_time` " +
      "and `end_time`: every stored status, a page at a time. With either: that range, at most 31 days.",
    tags: ["VENs"],
    params: z.strictObject({ venId: Uuid }),
    query: z.strictObject({ ...Paging.shape, ...range.shape }).superRefine((value, ctx) => {
      if (value.start_time !== undefined || value.end_time !== undefined) range.check(value, ctx);
    }),
    response: paged(VenStatusChange, "VenStatusPage"),
    problems: [404],
  }, async ({ services, params, query }) => {
    await vens.load(services, params.venId);
    const { page, page_size, start_time, end_time } = query;
    const bounded = start_time !== undefined || end_time !== undefined;
    const result = await venStatuses(
      services.sql,
      params.venId,
      bounded ? resolveTimeRange({ start_time, end_time }) : undefined,
      pageWindow({ page, page_size }),
    );
    return { ...result, page, pageSize: page_size };
  }),
});
