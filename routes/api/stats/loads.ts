/** `GET /api/stats/loads`: loads by type now, from the actor state cache (no database). */
import { LoadStats } from "../../../domain/live.ts";
import { loadStats } from "../../../api/live.ts";
import { operation, route } from "../../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Load statistics by load type now",
    description: "Computed from every VEN actor's cached state and reused for 2 s.",
    tags: ["Stats"],
    response: LoadStats,
  }, ({ services }) => loadStats(services)),
});
