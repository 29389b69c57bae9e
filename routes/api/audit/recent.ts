/** `GET /api/audit/recent`: who changed what, newest first. */
import { z } from "zod";
import { paged, Paging, recentWindow } from "../../../domain/common.ts";
import { AuditEntry } from "../../../domain/market.ts";
import { documentPage } from "../../../api/documents.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Recent audit records, newest first",
    tags: ["Audit"],
    access: "operator",
    query: z.strictObject({
      ...Paging.shape,
      hours: recentWindow(168, 2160),
      entity: z.string().max(60).optional(),
      entity_id: z.string().max(100).optional(),
      action: z.string().max(60).optional(),
      username: z.string().max(100).optional(),
    }),
    response: paged(AuditEntry, "AuditPage"),
  }, ({ services, query }) =>
    documentPage(services, "audit", {
      where: {
        entity: query.entity,
        entityId: query.entity_id,
        action: query.action,
        username: query.username,
      },
      from: new Date(Date.now() - query.hours * 3_600_000),
      paging: query,
    })),
});
