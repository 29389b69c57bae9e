/** `/api/recommendations`: list and create. */
import { recommendations } from "../../../api/resources.ts";

export const { handler, openapi } = recommendations.collection;
