/** `POST /api/alerts/{id}/resolve`. */
import { alertActionRoute } from "../../../../api/alerts.ts";

export const { handler, openapi } = alertActionRoute("resolve");
