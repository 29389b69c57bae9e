/** `POST /api/alerts/{id}/acknowledge`. */
import { alertActionRoute } from "../../../../api/alerts.ts";

export const { handler, openapi } = alertActionRoute("acknowledge");
