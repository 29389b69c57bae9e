/** `/api/portfolios/{id}`: get, replace, update, delete. */
import { portfolios } from "../../../api/resources.ts";

export const { handler, openapi } = portfolios.item;
