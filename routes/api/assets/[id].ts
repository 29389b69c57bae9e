/** `/api/assets/{id}`: get, replace, update, delete. */
import { assets } from "../../../api/resources.ts";

export const { handler, openapi } = assets.item;
