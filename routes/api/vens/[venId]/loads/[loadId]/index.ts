/** `GET /api/vens/{venId}/loads/{loadId}`: one load of a VEN with its live values. */
import { HttpError } from "fresh";
import { z } from "zod";
import { LoadId, Uuid } from "../../../../../../domain/common.ts";
import { VenLoad } from "../../../../../../domain/ven.ts";
import { vens } from "../../../../../../api/resources.ts";
import { loadsOf } from "../../../../../../api/vens.ts";
import { operation, route } from "../../../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "One load of a VEN",
    tags: ["VENs"],
    params: z.strictObject({ venId: Uuid, loadId: LoadId }),
    response: VenLoad,
    problems: [404],
  }, async ({ services, params }) => {
    await vens.load(services, params.venId);
    const load = (await loadsOf(services, params.venId)).find((l) => l.loadId === params.loadId);
    if (!load) throw new HttpError(404, `VEN ${params.venId} has no load ${params.loadId}`);
    return load;
  }),
});
