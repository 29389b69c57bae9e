/** `/api/energy-sources/{id}`: get, replace, update, delete. */
import { energySources } from "../../../api/resources.ts";

export const { handler, openapi } = energySources.item;
