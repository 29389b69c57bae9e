/** `/api/energy-sources`: list and create. */
import { energySources } from "../../../api/resources.ts";

export const { handler, openapi } = energySources.collection;
