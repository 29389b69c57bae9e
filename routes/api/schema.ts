/** `GET /api/schema`: the OpenAPI 3.1 document, generated from the routes' own schemas. */
import { openApiDocument } from "../../api/openapi.ts";
import { operation, route } from "../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "The OpenAPI 3.1 document of this API",
    tags: ["Docs"],
    access: "public",
    produces: "application/json",
  }, async () => Response.json(await openApiDocument())),
});
