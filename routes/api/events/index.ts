/** `/api/events`: ADR events, newest start first; create one (sent to its VENs at once). */
import { z } from "zod";
import { AdrEvent, AdrEventInput, EVENT_STATUSES } from "../../../domain/adr_event.ts";
import { DateTimeInput, paged, pageWindow, Paging, Uuid } from "../../../domain/common.ts";
import { listEvents } from "../../../stores/postgres/repos/adr_events.ts";
import { createEvent, toApiEvent } from "../../../api/adr_events.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "List ADR events",
    tags: ["ADR events"],
    query: z.strictObject({
      ...Paging.shape,
      status: z.enum(EVENT_STATUSES).optional(),
      program_id: Uuid.optional(),
      ven_id: Uuid.optional().describe("Only events this VEN takes part in"),
      from: DateTimeInput.optional().describe("Only events that end after this"),
      to: DateTimeInput.optional().describe("Only events that start before this"),
    }),
    response: paged(AdrEvent, "AdrEventPage"),
  }, async ({ services, query }) => {
    const { page, page_size } = query;
    const result = await listEvents(services.sql, {
      status: query.status,
      programId: query.program_id,
      venId: query.ven_id,
      from: query.from,
      to: query.to,
    }, pageWindow({ page, page_size }));
    return {
      items: result.items.map((row) => toApiEvent(row)),
      total: result.total,
      page,
      pageSize: page_size,
    };
  }),
  POST: operation({
    summary: "Create an ADR event and send it to its VENs",
    description: "Targets (VEN ids and groups) resolve to the active VENs in them. Each gets the event on " +
      "`gridpulse/vens/{venId}/events` (QoS 1, retained) in OpenADR 3 field names.",
    tags: ["ADR events"],
    access: "operator",
    body: AdrEventInput,
    response: AdrEvent,
    status: 201,
    problems: [422],
  }, ({ services, user, body }) => createEvent(services, user, body)),
});
