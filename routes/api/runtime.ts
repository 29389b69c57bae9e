/** `GET /api/runtime`: the actor runtime's live figures, for the Architecture page. */
import { RuntimeStatus } from "../../domain/health.ts";
import { operation, route } from "../../api/operation.ts";

export const { handler, openapi } = route({
  GET: operation({
    summary: "Actor runtime figures",
    description: "Workers, shards, actors by kind, messages per second, acknowledgements and restarts. " +
      "`running: false` with `stats: null` when this process hosts no actor runtime.",
    tags: ["Health"],
    response: RuntimeStatus,
  }, ({ services }) => {
    const stats = services.runtime?.stats() ?? null;
    return { running: stats !== null, stats, ts: new Date().toISOString() };
  }),
});
