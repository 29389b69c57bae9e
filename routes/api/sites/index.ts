/** `/api/sites`: list and create. */
import { sites } from "../../../api/resources.ts";

export const { handler, openapi } = sites.collection;
