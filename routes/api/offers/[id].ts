/** `/api/offers/{id}`: get, replace, update, delete. */
import { offers } from "../../../api/resources.ts";

export const { handler, openapi } = offers.item;
