/**
 * The API under load while ingest runs: background telemetry at a fixed rate from the load process, and
 * autocannon against each endpoint in turn with an admin's bearer token.
 * @module
 */
import { loadEndpoint } from "./api_load.ts";
import { LoadProcess } from "./load.ts";
import type { ApiFigures } from "./report.ts";
import { ProcessSampler } from "./proc.ts";

/** The endpoints the issue names. */
export const API_PATHS = ["/api/alerts/recent", "/api/meter-readings/recent", "/api/stats/network"];

/** Signs in as `username` and returns the access token. */
export async function login(appUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(new URL("/api/auth/token", appUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`POST /api/auth/token answered ${response.status}: ${body.slice(0, 200)}`);
  }
  return JSON.parse(body).accessToken;
}

/** Options for {@linkcode measureApi}. */
export interface ApiOptions {
  appUrl: string;
  /** Sampled per endpoint: app CPU per request is the figure that survives a busy machine. */
  appPid: number;
  token: string;
  brokerUrl: string;
  plantsFile: string;
  /** Background telemetry, messages/s. */
  rate: number;
  durationS: number;
  apiConnections: number;
  connections: number;
  window: number;
}

/** Loads each endpoint for `durationS` while background telemetry runs. */
export async function measureApi(options: ApiOptions): Promise<ApiFigures[]> {
  const background = await LoadProcess.spawn({
    mode: "publish",
    url: options.brokerUrl,
    clientPrefix: `bench-api-${crypto.randomUUID().slice(0, 8)}`,
    plantsFile: options.plantsFile,
    connections: options.connections,
    window: options.window,
    rate: options.rate,
    durationMs: (options.durationS * API_PATHS.length + 5) * 1000,
    credit: false,
  });
  try {
    await new Promise((r) => setTimeout(r, 500)); // ingest under way before the first request
    const out: ApiFigures[] = [];
    for (const path of API_PATHS) {
      const sampler = new ProcessSampler(options.appPid);
      sampler.start();
      const figures = await loadEndpoint(options.appUrl, path, {
        durationS: options.durationS,
        connections: options.apiConnections,
        token: options.token,
      });
      const usage = sampler.stop();
      figures.appCpuUsPerRequest = figures.requests
        ? (usage.cpuPercent / 100) * usage.seconds * 1e6 / figures.requests
        : undefined;
      out.push(figures);
    }
    return out;
  } finally {
    await background.stop();
  }
}
