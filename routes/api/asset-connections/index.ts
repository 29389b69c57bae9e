/** `/api/asset-connections`: list and create. */
import { assetConnections } from "../../../api/resources.ts";

export const { handler, openapi } = assetConnections.collection;
