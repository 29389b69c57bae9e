/** `/api/market-signals`: market price and volume signals (documents store). */
import { z } from "zod";
import { paged, Paging, rawTimeRange, resolveTimeRange } from "../../../domain/common.ts";
import { MarketSignal, MarketSignalInput } from "../../../domain/market.ts";
import { audit } from "../../../api/audit.ts";
import { documentPage } from "../../../api/documents.ts";
import { operation, route } from "../../../api/operation.ts";

const range = rawTimeRange();

export const { handler, openapi } = route({
  GET: operation({
    summary: "Market signals in a time range, newest first",
    tags: ["Market"],
    query: z.strictObject({ ...Paging.shape, ...range.shape, market: z.string().max(100).optional() })
      .superRefine(range.check),
    response: paged(MarketSignal, "MarketSignalPage"),
  }, ({ services, query }) => {
    const { start, end } = resolveTimeRange(query);
    return documentPage(services, "market_signals", {
      where: { market: query.market },
      from: start,
      to: end,
      paging: query,
    });
  }),
  POST: operation({
    summary: "Record a market signal",
    tags: ["Market"],
    access: "operator",
    body: MarketSignalInput,
    response: MarketSignal,
    status: 201,
  }, async ({ services, user, body }) => {
    const doc = { ...body, timestamp: body.timestamp ?? new Date() };
    const [id] = await services.documents.insert("market_signals", [doc]);
    const signal = { id, ...doc };
    await audit(services, user, { action: "create", entity: "market_signal", entityId: id, after: signal });
    return signal;
  }),
});
