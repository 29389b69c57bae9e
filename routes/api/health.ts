/** `GET /api/health`: liveness; touches no store. */
import { Health } from "../../domain/health.ts";
import { API_VERSION } from "../../api/openapi.ts";
import { operation, route } from "../../api/operation.ts";

const started = performance.now();

export const { handler, openapi } = route({
  GET: operation({
    summary: "Liveness",
    tags: ["Health"],
    access: "public",
    response: Health,
  }, () => ({
    status: "ok",
    version: API_VERSION,
    uptimeSeconds: Math.round((performance.now() - started) / 1000),
    ts: new Date().toISOString(),
  })),
});
