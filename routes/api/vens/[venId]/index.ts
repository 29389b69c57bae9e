/** `/api/vens/{venId}`: a VEN with its live state; replace, update, delete. */
import { z } from "zod";
import { Uuid } from "../../../../domain/common.ts";
import { VenDetail } from "../../../../domain/ven.ts";
import { vens } from "../../../../api/resources.ts";
import { withLive } from "../../../../api/vens.ts";
import { operation, route } from "../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation(
    {
      summary: "Get a VEN with its live state",
      tags: ["VENs"],
      params: z.strictObject({ venId: Uuid }),
      response: VenDetail,
      problems: [404],
    },
    async ({ services, params }) => (await withLive(services, [await vens.load(services, params.venId)]))[0],
  ),
  PUT: vens.ops.put,
  PATCH: vens.ops.patch,
  DELETE: vens.ops.delete,
});
