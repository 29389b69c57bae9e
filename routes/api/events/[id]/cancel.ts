/** `POST /api/events/{id}/cancel`. */
import { z } from "zod";
import { AdrEvent } from "../../../../domain/adr_event.ts";
import { Uuid } from "../../../../domain/common.ts";
import { cancelAdrEvent } from "../../../../api/adr_events.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  POST: operation({
    summary: "Cancel an ADR event",
    description: "Its VENs are sent the cancellation (retained until the event would have ended).",
    tags: ["ADR events"],
    access: "operator",
    params: z.strictObject({ id: Uuid }),
    response: AdrEvent,
    problems: [404, 409],
  }, ({ services, user, params }) => cancelAdrEvent(services, user, params.id)),
});
