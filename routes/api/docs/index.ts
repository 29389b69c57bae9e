/** `GET /api/docs`: Swagger UI for the whole API (local files, works offline). */
import { DOCS_CSP, DOCS_HTML } from "../../../api/docs.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "API documentation (Swagger UI)",
    tags: ["Docs"],
    access: "public",
    produces: "text/html",
  }, () =>
    new Response(DOCS_HTML, {
      headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": DOCS_CSP },
    })),
});
