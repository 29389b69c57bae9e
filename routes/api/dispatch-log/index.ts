/** `/api/dispatch-log`: dispatch instructions sent to plants (documents store). */
import { z } from "zod";
import { paged, Paging, rawTimeRange, resolveTimeRange } from "../../../domain/common.ts";
import { DispatchEntry, DispatchEntryInput } from "../../../domain/market.ts";
import { audit } from "../../../api/audit.ts";
import { documentPage } from "../../../api/documents.ts";
import { operation, route } from "../../../api/operation.ts";

const range = rawTimeRange();

export const { handler, openapi } = route({
  GET: operation({
    summary: "Dispatch log in a time range, newest first",
    tags: ["Market"],
    query: z.strictObject({
      ...Paging.shape,
      ...range.shape,
      plant_name: z.string().max(200).optional(),
      market: z.string().max(100).optional(),
    }).superRefine(range.check),
    response: paged(DispatchEntry, "DispatchEntryPage"),
  }, ({ services, query }) => {
    const { start, end } = resolveTimeRange(query);
    return documentPage(services, "dispatch_log", {
      where: { plantName: query.plant_name, market: query.market },
      from: start,
      to: end,
      paging: query,
    });
  }),
  POST: operation({
    summary: "Record a dispatch",
    tags: ["Market"],
    access: "operator",
    body: DispatchEntryInput,
    response: DispatchEntry,
    status: 201,
  }, async ({ services, user, body }) => {
    const doc = { ...body, offerId: body.offerId ?? null, timestamp: body.timestamp ?? new Date() };
    const [id] = await services.documents.insert("dispatch_log", [doc]);
    const entry = { id, ...doc };
    await audit(services, user, { action: "create", entity: "dispatch", entityId: id, after: entry });
    return entry;
  }),
});
