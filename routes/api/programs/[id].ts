/** `/api/programs/{id}`: get, replace, update, delete. */
import { programs } from "../../../api/resources.ts";

export const { handler, openapi } = programs.item;
