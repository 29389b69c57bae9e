/**
 * `GET /api/ready`: readiness, from each store's `check()`; 503 when a required store is down. Where
 * each store is and its last error are shown to signed-in callers only.
 */
import { Readiness } from "../../domain/health.ts";
import type { StoreStatus } from "../../stores/status.ts";
import { operation, route } from "../../api/operation.ts";

/** How long a store may take to answer its check before it counts as down. */
const CHECK_TIMEOUT_MS = 3_000;

function withTimeout(check: Promise<StoreStatus[]>): Promise<StoreStatus[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([check, timeout]).finally(() => clearTimeout(timer));
}

export const { handler, openapi } = route({
  GET: operation({
    summary: "Readiness of every store",
    description: "HTTP 503 with `status: unavailable` when a required store is down, and while GridPulse " +
      "is still starting (one `startup` entry whose `detail` says what it is doing, e.g. seeding).",
    tags: ["Health"],
    access: "public",
    response: Readiness,
    alsoAnswers: { 503: "A required store is down" },
  }, async ({ services, user }) => {
    let stores: StoreStatus[];
    try {
      stores = await withTimeout(services.health());
    } catch (error) {
      stores = [{
        store: "health",
        backend: "checks",
        state: "down",
        required: true,
        error: error instanceof Error ? error.message : String(error),
      }];
    }
    const down = stores.some((s) => s.required && s.state === "down");
    const status = down ? "unavailable" : stores.every((s) => s.state === "up") ? "ready" : "degraded";
    const shown = stores.map(({ location, error, ...s }) => (user ? { ...s, location, error } : s));
    return Response.json({ status, stores: shown, ts: new Date().toISOString() }, {
      status: down ? 503 : 200,
    });
  }),
});
