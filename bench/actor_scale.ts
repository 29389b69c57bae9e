/**
 * Scale of actors: the app's resident memory with many plants registered and idle, and how long it takes
 * to activate them all. Each scale is a fresh app process (so earlier load does not inflate the heap):
 * plants are inserted up to the scale, the app starts, `/metrics` is polled until `gridpulse_actors`
 * reaches the count (activation = spawn -> that moment), then after a short idle the RSS is sampled.
 * Memory per actor = (RSS at scale - RSS of a baseline start with the run's few plants) / added actors.
 * @module
 */
import { type AppProcess, startApp } from "./app.ts";
import type { BenchDatabase } from "./database.ts";
import { readProcess } from "./proc.ts";
import type { ActorScaleFigures } from "./report.ts";
import { metricSum, waitForRuntime } from "./prometheus.ts";

/** Options for {@linkcode measureActorScale}. */
export interface ActorScaleOptions {
  db: BenchDatabase;
  appEnv: Record<string, string>;
  scales: number[];
  verbose: boolean;
  log: (line: string) => void;
  /** @default {180000} */
  activationTimeoutMs?: number;
  /** Idle RSS of a fresh app with the plants registered now, when already measured (saves a start). */
  baselineRssMb?: number;
}

/** Polls `/metrics` until `gridpulse_actors` >= `count`; resolves with when (bench clock), or undefined. */
async function waitForActors(app: AppProcess, count: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(new URL("/metrics", app.url));
      const text = await response.text();
      const actors = response.ok ? metricSum(text, "gridpulse_actors") : undefined;
      if (actors === undefined) return undefined;
      if (actors >= count) return performance.now();
    } catch { /* not serving yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/** Median RSS of a few samples `intervalMs` apart, MB. */
export async function idleRss(pid: number, samples = 5, intervalMs = 150): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => setTimeout(r, intervalMs));
    values.push((readProcess(pid)?.rssKb ?? 0) / 1024);
  }
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function plantCount(db: BenchDatabase): Promise<number> {
  return Number((await db.sql`select count(*)::int as n from plants where active`)[0].n);
}

/** One fresh app with what is registered now: activation time and idle RSS. */
async function measureOnce(options: ActorScaleOptions, plants: number) {
  await options.db.release();
  const spawned = performance.now();
  const app = await startApp({ env: options.appEnv, verbose: options.verbose });
  try {
    const timeoutMs = options.activationTimeoutMs ?? 180_000;
    // Activation: every actor loaded and every shard subscribed (the app can take telemetry for all).
    const activeAt = await waitForActors(app, plants, timeoutMs);
    if (!(await waitForRuntime(app.url, timeoutMs))) throw new Error("the runtime never reported running");
    const runningAt = performance.now();
    await new Promise((r) => setTimeout(r, 500)); // let start-up garbage go before sampling
    return {
      rssMb: await idleRss(app.pid),
      activationS: (Math.max(activeAt ?? 0, runningAt) - spawned) / 1000,
    };
  } finally {
    await app.stop();
    await options.db.reopen();
  }
}

/**
 * Measures each scale in ascending order (plants are only ever added). A scale the app cannot start
 * with ends the section: its failure is in `failure`, the scales before it are kept.
 */
export async function measureActorScale(
  options: ActorScaleOptions,
): Promise<{ figures: ActorScaleFigures[]; failure?: string }> {
  const basePlants = await plantCount(options.db);
  let baseRss = options.baselineRssMb;
  if (baseRss === undefined) {
    options.log(`actor scale: baseline app with ${basePlants} plants`);
    baseRss = (await measureOnce(options, basePlants)).rssMb;
  }
  const out: ActorScaleFigures[] = [];
  for (const scale of [...options.scales].sort((a, b) => a - b)) {
    const have = await plantCount(options.db);
    if (scale > have) await options.db.insertPlants(scale - have);
    options.log(`actor scale: ${scale} plants registered`);
    let at;
    try {
      at = await measureOnce(options, scale);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { figures: out, failure: `with ${scale} plants registered: ${reason}` };
    }
    out.push({
      plants: scale,
      rssBeforeMb: baseRss,
      rssAfterMb: at.rssMb,
      kbPerActor: ((at.rssMb - baseRss) * 1024) / Math.max(1, scale - basePlants),
      activationS: at.activationS,
    });
  }
  return { figures: out };
}
