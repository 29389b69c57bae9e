/** `/api/offers`: list and create. */
import { offers } from "../../../api/resources.ts";

export const { handler, openapi } = offers.collection;
