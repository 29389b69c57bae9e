/**
 * Test helpers: a private VictoriaMetrics (Debian's `victoria-metrics`, which accepts the InfluxDB 2
 * write API on `/api/v2/write`) on a spare port with its own data directory, which a test may stop and
 * start again; and reading points back with `/api/v1/export`.
 * @module
 */
import { freePort } from "../../../core/local_process.ts";

/** A private victoria-metrics process. */
export interface OwnVictoriaMetrics {
  url: string;
  /** Stops it (SIGTERM, then waits), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** Whether the `victoria-metrics` binary is on PATH. */
export function hasVictoriaMetrics(): boolean {
  try {
    return new Deno.Command("victoria-metrics", { args: ["-version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Starts victoria-metrics on a spare 127.0.0.1 port. */
export async function startVictoriaMetrics(): Promise<OwnVictoriaMetrics> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "gridpulse-vm-" });
  const url = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("victoria-metrics", {
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${dir}`,
        "-loggerLevel=ERROR",
        "-search.latencyOffset=0s",
      ],
      stdout: "null",
      stderr: "null",
      stdin: "null",
    }).spawn();
    await waitHealthy(url);
  };
  const stop = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    try {
      c.kill("SIGTERM");
    } catch { /* gone */ }
    await c.status;
  };
  await start();
  return {
    url,
    stop,
    start,
    dispose: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function waitHealthy(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`victoria-metrics at ${url} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One exported series: labels and its samples. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** Reads every series matching a selector, e.g. `{__name__="plant_mw",run="x"}` (VictoriaMetrics' export API). */
export async function exportSeries(url: string, selector: string): Promise<ExportedSeries[]> {
  // Without this, freshly ingested samples only become searchable after VictoriaMetrics' ~10 s flush.
  await (await fetch(`${url}/internal/force_flush`)).body?.cancel();
  const res = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export failed: HTTP ${res.status} ${text}`);
  return text.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/** Counts the samples of every series matching `selector`. */
export async function countSamples(url: string, selector: string): Promise<number> {
  return (await exportSeries(url, selector)).reduce((n, s) => n + s.values.length, 0);
}
