/** `/api/grid-links/{id}`: get, replace, update, delete. */
import { gridLinks } from "../../../api/resources.ts";

export const { handler, openapi } = gridLinks.item;
