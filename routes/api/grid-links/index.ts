/** `/api/grid-links`: list and create. */
import { gridLinks } from "../../../api/resources.ts";

export const { handler, openapi } = gridLinks.collection;
