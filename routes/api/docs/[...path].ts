/** `GET /api/docs/{file}`: the Swagger UI files, from the local swagger-ui-dist package. */
import { HttpError } from "fresh";
import { z } from "zod";
import { docsAsset } from "../../../api/docs.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "A file of the docs page",
    tags: ["Docs"],
    access: "public",
    params: z.strictObject({ path: z.string().max(100) }),
    produces: "application/octet-stream",
    problems: [404],
  }, async ({ params }) => {
    const asset = await docsAsset(params.path);
    if (!asset) throw new HttpError(404, `No docs file ${params.path}`);
    return new Response(asset.body as Uint8Array<ArrayBuffer>, {
      headers: { "Content-Type": asset.type, "Cache-Control": "public, max-age=86400" },
    });
  }),
});
