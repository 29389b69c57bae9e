/** `/api/portfolios`: list and create. */
import { portfolios } from "../../../api/resources.ts";

export const { handler, openapi } = portfolios.collection;
