/** `/api/meters/{id}`: get, replace, update, delete. */
import { meters } from "../../../api/resources.ts";

export const { handler, openapi } = meters.item;
