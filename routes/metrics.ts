/**
 * `GET /metrics`: Prometheus text exposition of the actor runtime's metrics, for scrapers (which do
 * not hold user tokens; put it behind the network boundary like any metrics endpoint).
 */
import type { Context } from "fresh";
import type { State } from "../core/services.ts";

export const handler = {
  GET(ctx: Context<State>): Response {
    const { runtime, tcp } = ctx.state.services;
    let body = runtime ? runtime.metrics() : "# actor runtime not running\n";
    if (tcp) body = (body.endsWith("\n") ? body : `${body}\n`) + tcpMetrics(tcp.stats());
    return new Response(body.endsWith("\n") ? body : `${body}\n`, {
      headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" },
    });
  },
};

/** The TCP telemetry listener's figures (ingest/tcp_listener.ts). */
function tcpMetrics(s: { connections: number; published: number; refused: number }): string {
  return [
    "# HELP gridpulse_tcp_connections_total Connections to the TCP telemetry listener",
    "# TYPE gridpulse_tcp_connections_total counter",
    `gridpulse_tcp_connections_total ${s.connections}`,
    "# HELP gridpulse_tcp_lines_total Lines of the TCP telemetry listener, published to the broker or refused",
    "# TYPE gridpulse_tcp_lines_total counter",
    `gridpulse_tcp_lines_total{result="published"} ${s.published}`,
    `gridpulse_tcp_lines_total{result="refused"} ${s.refused}`,
    "",
  ].join("\n");
}
