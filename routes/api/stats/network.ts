/** `GET /api/stats/network`: the VEN network now, from the actor state cache (no database). */
import { NetworkStats } from "../../../domain/live.ts";
import { networkStats } from "../../../api/live.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Network statistics now",
    description: "Computed from every VEN actor's cached state and reused for 2 s.",
    tags: ["Stats"],
    response: NetworkStats,
  }, ({ services }) => networkStats(services)),
});
