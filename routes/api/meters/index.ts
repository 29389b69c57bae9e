/** `/api/meters`: list and create. */
import { meters } from "../../../api/resources.ts";

export const { handler, openapi } = meters.collection;
