/** `GET /api/alerts/{id}`. */
import { z } from "zod";
import { Alert } from "../../../../domain/alert.ts";
import { Uuid } from "../../../../domain/common.ts";
import { getAlert } from "../../../../stores/postgres/repos/alerts.ts";
import { notFound } from "../../../../api/crud.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation(
    {
      summary: "Get an alert",
      tags: ["Alerts"],
      params: z.strictObject({ id: Uuid }),
      response: Alert,
      problems: [404],
    },
    async ({ services, params }) => {
      const alert = await getAlert(services.sql, params.id);
      if (!alert) throw notFound("alert", params.id);
      return alert;
    },
  ),
});
