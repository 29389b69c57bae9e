/**
 * The periodic recommendation pass: every active site once shortly after start and then every
 * `RECOMMENDATIONS_INTERVAL_MINUTES` (0 turns it off), on core/periodic.ts like retention
 * (stores/postgres/retention.ts): one pass at a time, the next one timed from the end of the last.
 * @module
 */
import type { Logger } from "../core/log.ts";
import { startPeriodic } from "../core/periodic.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { generateForAllSites, type PassSummary } from "./generator.ts";

/** Options for {@linkcode startRecommendationJob}. */
export interface RecommendationJobOptions {
  sql: Sql;
  log: Logger;
  /** Between the end of a pass and the next; 0: no pass at all. */
  intervalMs: number;
  /** The first pass, after start-up's own work. @default {120_000} */
  firstDelayMs?: number;
  /** Called after each pass (tests wait on it). */
  onPass?: (summary: PassSummary) => void;
}

/** Runs passes on a timer (nothing when the interval is 0); the returned function stops it. */
export function startRecommendationJob(options: RecommendationJobOptions): () => Promise<void> {
  const { sql, log, intervalMs } = options;
  if (intervalMs <= 0) return () => Promise.resolve();
  const pass = async (signal: AbortSignal) => {
    const started = performance.now();
    try {
      const summary = await generateForAllSites(sql, { signal });
      const { skipped, ...counts } = summary;
      const failed = Object.entries(skipped).filter(([, why]) => why.startsWith("failed: "));
      log.info("recommendations: pass done", {
        ...counts,
        skipped: Object.keys(skipped).length,
        ms: Math.round(performance.now() - started),
      });
      if (failed.length > 0) log.warn("recommendations: sites failed", { sites: Object.fromEntries(failed) });
      options.onPass?.(summary);
    } catch (error) {
      log.error("recommendation pass failed; the next one retries", { error });
    }
  };
  return startPeriodic({ firstDelayMs: options.firstDelayMs ?? 120_000, intervalMs, pass });
}
