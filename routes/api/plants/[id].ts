/** `/api/plants/{id}`: get, replace, update, delete. */
import { plants } from "../../../api/resources.ts";

export const { handler, openapi } = plants.item;
