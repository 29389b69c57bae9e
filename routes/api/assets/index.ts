/** `/api/assets`: list and create. */
import { assets } from "../../../api/resources.ts";

export const { handler, openapi } = assets.collection;
