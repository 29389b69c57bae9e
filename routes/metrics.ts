/**
 * `GET /metrics`: Prometheus text exposition of the actor runtime's metrics, for scrapers (which do
 * not hold user tokens; put it behind the network boundary like any metrics endpoint).
 */
import type { Context } from "fresh";
import type { State } from "../core/services.ts";

export const handler = {
  GET(ctx: Context<State>): Response {
    const runtime = ctx.state.services.runtime;
    const body = runtime ? runtime.metrics() : "# actor runtime not running\n";
    return new Response(body.endsWith("\n") ? body : `${body}\n`, {
      headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" },
    });
  },
};
