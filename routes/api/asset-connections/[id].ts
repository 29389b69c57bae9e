/** `/api/asset-connections/{id}`: get, replace, update, delete. */
import { assetConnections } from "../../../api/resources.ts";

export const { handler, openapi } = assetConnections.item;
