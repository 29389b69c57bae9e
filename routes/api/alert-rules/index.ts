/** `/api/alert-rules`: list and create. */
import { alertRules } from "../../../api/resources.ts";

export const { handler, openapi } = alertRules.collection;
