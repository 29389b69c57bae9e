/** `/api/alert-rules/{id}`: get, replace, update, delete. */
import { alertRules } from "../../../api/resources.ts";

export const { handler, openapi } = alertRules.item;
