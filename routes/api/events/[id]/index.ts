/** `/api/events/{id}`: one ADR event with its participants; change or delete it. */
import { z } from "zod";
import { AdrEvent, AdrEventInput, AdrEventPatch } from "../../../../domain/adr_event.ts";
import { Uuid } from "../../../../domain/common.ts";
import { changeEvent, deleteAdrEvent, loadEvent } from "../../../../api/adr_events.ts";
import { operation, route } from "../../../../api/operation.ts";

const params = z.strictObject({ id: Uuid });
const change = (body: typeof AdrEventInput | typeof AdrEventPatch, summary: string) =>
  operation({
    summary,
    description: "Only a scheduled or active event can change. VENs no longer targeted are sent the " +
      "cancellation; the others get the new version.",
    tags: ["ADR events"],
    access: "operator",
    params,
    body,
    response: AdrEvent,
    problems: [404, 409, 422],
  }, ({ services, user, params, body }) => changeEvent(services, user, params.id, body));

export const { handler, openapi } = route({
  GET: operation({
    summary: "Get an ADR event with its participants",
    tags: ["ADR events"],
    params,
    response: AdrEvent,
    problems: [404],
  }, ({ services, params }) => loadEvent(services, params.id)),
  PUT: change(AdrEventInput, "Replace an ADR event"),
  PATCH: change(AdrEventPatch, "Change some fields of an ADR event"),
  DELETE: operation({
    summary: "Delete an ADR event",
    description: "VENs still in it are sent the cancellation first; their retained message moves on.",
    tags: ["ADR events"],
    access: "operator",
    params,
    problems: [404],
  }, ({ services, user, params }) => deleteAdrEvent(services, user, params.id)),
});
