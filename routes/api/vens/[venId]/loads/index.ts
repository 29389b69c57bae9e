/** `GET /api/vens/{venId}/loads`: the VEN's loads with their live values. */
import { z } from "zod";
import { Uuid } from "../../../../../domain/common.ts";
import { VenLoad } from "../../../../../domain/ven.ts";
import { vens } from "../../../../../api/resources.ts";
import { loadsOf } from "../../../../../api/vens.ts";
import { operation, route } from "../../../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "A VEN's loads with their live values",
    description: "Registered loads and loads the VEN's last telemetry reported; live values from the cache.",
    tags: ["VENs"],
    params: z.strictObject({ venId: Uuid }),
    response: z.object({ venId: Uuid, items: z.array(VenLoad) }).meta({ id: "VenLoads" }),
    problems: [404],
  }, async ({ services, params }) => {
    await vens.load(services, params.venId);
    return { venId: params.venId, items: await loadsOf(services, params.venId) };
  }),
});
