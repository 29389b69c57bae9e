/**
 * The API section's load generator: autocannon (npm) against one endpoint at a time, with the
 * bench's bearer token, while ingest runs. autocannon runs in the bench process: the ingest load is in
 * its own process and the bench does nothing else meanwhile.
 *
 * @example
 * ```ts ignore
 * import { loadEndpoint } from "./bench/api_load.ts";
 * const figures = await loadEndpoint("http://127.0.0.1:8000", "/api/stats/network", { durationS: 3 });
 * console.log(figures.rps, figures.p99);
 * ```
 * @module
 */
import autocannon from "autocannon";
import type { ApiFigures } from "./report.ts";

/** Options for {@linkcode loadEndpoint}. */
export interface LoadEndpointOptions {
  durationS: number;
  /** @default {10} */
  connections?: number;
  /** Sent as `Authorization: Bearer ...`. */
  token?: string;
}

/** The subset of autocannon's result the report uses. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  duration: number;
}

/** Loads `base + path` for `durationS` and summarises requests/s and latency. */
export async function loadEndpoint(
  base: string,
  path: string,
  options: LoadEndpointOptions,
): Promise<ApiFigures> {
  const result = await autocannon({
    url: new URL(path, base).toString(),
    connections: options.connections ?? 10,
    duration: options.durationS,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  }) as unknown as AutocannonResult;
  return {
    path,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
