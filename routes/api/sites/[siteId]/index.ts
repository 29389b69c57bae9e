/** `/api/sites/{siteId}`: get, replace, update, delete. */
import { sites } from "../../../../api/resources.ts";

export const { handler, openapi } = sites.item;
