/** `/api/recommendations/{id}`: get, replace, update, delete. */
import { recommendations } from "../../../api/resources.ts";

export const { handler, openapi } = recommendations.item;
