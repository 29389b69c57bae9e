/** `/api/programs`: list and create. */
import { programs } from "../../../api/resources.ts";

export const { handler, openapi } = programs.collection;
