/** `GET /api/alerts/summary`: how many alerts are unresolved, by severity and state (the dashboard's card). */
import { AlertSummary } from "../../../domain/alert.ts";
import { alertSummary } from "../../../api/alerts.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Unresolved alerts by severity and state",
    tags: ["Alerts"],
    response: AlertSummary,
  }, ({ services }) => alertSummary(services)),
});
