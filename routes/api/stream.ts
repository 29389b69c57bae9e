/** `GET /api/stream`: Server-Sent Events of actor state changes and alerts, for live pages. */
import { z } from "zod";
import { commaList } from "../../domain/common.ts";
import { CHANGE_KINDS } from "../../domain/live.ts";
import { changeStream } from "../../api/stream.ts";
import { operation, route } from "../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Live changes (Server-Sent Events)",
    description:
      "Each event is `event: <kind>` and `data: <ChangeEvent JSON>`; a `: ping` comment every 15 s. " +
      "`kind` and `entity` take comma-separated lists (an alert matches by its own id or its entity's).",
    tags: ["Live"],
    query: z.strictObject({
      kind: commaList(z.enum(CHANGE_KINDS), CHANGE_KINDS.length).optional().describe(
        `Any of ${CHANGE_KINDS.join(", ")}`,
      ),
      entity: commaList(z.string().min(1).max(100), 100).optional().describe("Entity ids"),
    }),
    produces: "text/event-stream",
  }, ({ ctx, services, query }) => {
    // ends when the client leaves, or when GridPulse stops (the server's shutdown waits for open responses)
    const { closing } = services;
    const signal = closing ? AbortSignal.any([ctx.req.signal, closing]) : ctx.req.signal;
    return changeStream(services, signal, {
      kinds: new Set(query.kind ?? []),
      entities: new Set(query.entity ?? []),
    });
  }),
});
