/** `/api/plants`: list and create. */
import { plants } from "../../../api/resources.ts";

export const { handler, openapi } = plants.collection;
