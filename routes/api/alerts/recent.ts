/** `GET /api/alerts/recent`: the newest alerts, bounded by a window in hours, paged. */
import { z } from "zod";
import { Alert, ALERT_ENTITY_KINDS, ALERT_STATES, ALERT_TYPES, SEVERITIES } from "../../../domain/alert.ts";
import { paged, pageWindow, Paging, recentWindow, Uuid } from "../../../domain/common.ts";
import { recentAlerts } from "../../../stores/postgres/repos/alerts.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Recent alerts, newest first",
    tags: ["Alerts"],
    query: z.strictObject({
      ...Paging.shape,
      hours: recentWindow(24, 2160),
      state: z.enum(ALERT_STATES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      type: z.enum(ALERT_TYPES).optional(),
      entity_kind: z.enum(ALERT_ENTITY_KINDS).optional(),
      entity_id: Uuid.optional(),
      plant_id: Uuid.optional(),
      site_id: Uuid.optional(),
      ven_id: Uuid.optional(),
    }),
    response: paged(Alert, "AlertPage"),
  }, async ({ services, query }) => {
    const { page, page_size, hours, ...filter } = query;
    const result = await recentAlerts(services.sql, {
      since: new Date(Date.now() - hours * 3_600_000),
      state: filter.state,
      severity: filter.severity,
      type: filter.type,
      entityKind: filter.entity_kind,
      entityId: filter.entity_id,
      plantId: filter.plant_id,
      siteId: filter.site_id,
      venId: filter.ven_id,
    }, pageWindow({ page, page_size }));
    return { ...result, page, pageSize: page_size };
  }),
});
