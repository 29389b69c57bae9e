/**
 * Reading the app's `/metrics` (Prometheus text exposition).
 * @module
 */

/** Sum of a Prometheus family's samples in exposition text (undefined when the family is absent). */
export function metricSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  // A declared family without samples (a labelled counter nothing has incremented yet) is 0.
  return sum ?? (text.includes(`# TYPE ${name} `) ? 0 : undefined);
}

/** A Prometheus histogram: total count and sum, and cumulative counts per upper bound. */
export interface PromHistogram {
  count: number;
  sum: number;
  /** [upper bound, cumulative count], ascending; the last bound is Infinity. */
  buckets: Array<[number, number]>;
}

/** Parses histogram `name` (labels other than `le` are added together); undefined when absent. */
export function parseHistogram(text: string, name: string): PromHistogram | undefined {
  const byBound = new Map<number, number>();
  let count: number | undefined;
  let sum = 0;
  for (const line of text.split("\n")) {
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le === undefined) continue;
      const bound = le === "+Inf" ? Infinity : Number(le);
      byBound.set(bound, (byBound.get(bound) ?? 0) + value);
    } else if (line.startsWith(`${name}_count`)) count = (count ?? 0) + value;
    else if (line.startsWith(`${name}_sum`)) sum += value;
  }
  if (count === undefined) return undefined;
  return { count, sum, buckets: [...byBound.entries()].sort((a, b) => a[0] - b[0]) };
}

/** What was observed between two snapshots of the same histogram. */
export function histogramDelta(before: PromHistogram, after: PromHistogram): PromHistogram {
  const earlier = new Map(before.buckets);
  return {
    count: after.count - before.count,
    sum: after.sum - before.sum,
    buckets: after.buckets.map(([le, n]) => [le, n - (earlier.get(le) ?? 0)]),
  };
}

/**
 * The upper bound of the bucket holding the `q`-quantile (0-1): "at most this", the only honest
 * reading of a bucketed histogram. NaN when empty.
 */
export function bucketQuantile(h: PromHistogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  for (const [le, n] of h.buckets) if (n >= rank) return le;
  return Infinity;
}

/** The app's own account of its write pipeline over a phase (from two `/metrics` snapshots). */
export interface PipelineFigures {
  commits: number;
  messagesPerCommit: number;
  commitMsMean: number;
  /** Upper bound of the bucket holding the 99th percentile. */
  commitMsP99Le: number;
  /** Receipt -> commit, as the app measures it: bucket bounds. */
  ingestMsP50Le: number;
  ingestMsP99Le: number;
  /** Rollup buckets the repairer recomputed from the readings (transactions of their own). */
  rollupsRecomputed?: number;
}

/** Fetches the app's `/metrics` text; undefined when it has none. */
export async function fetchMetrics(appUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL("/metrics", appUrl));
    const text = await response.text();
    return response.ok ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The pipeline figures between two snapshots; undefined when the app does not expose them. */
export function pipelineFigures(
  before: string | undefined,
  after: string | undefined,
): PipelineFigures | undefined {
  if (!before || !after) return undefined;
  const delta = (name: string) => {
    const a = parseHistogram(before, name);
    const b = parseHistogram(after, name);
    return a && b ? histogramDelta(a, b) : undefined;
  };
  const size = delta("gridpulse_write_batch_messages");
  const commit = delta("gridpulse_write_commit_ms");
  const ingest = delta("gridpulse_ingest_latency_ms");
  if (!size || !commit || !ingest) return undefined;
  const recomputedBefore = metricSum(before, "gridpulse_rollup_recomputed_total");
  const recomputedAfter = metricSum(after, "gridpulse_rollup_recomputed_total");
  return {
    commits: commit.count,
    messagesPerCommit: size.count ? size.sum / size.count : NaN,
    commitMsMean: commit.count ? commit.sum / commit.count : NaN,
    commitMsP99Le: bucketQuantile(commit, 0.99),
    ingestMsP50Le: bucketQuantile(ingest, 0.5),
    ingestMsP99Le: bucketQuantile(ingest, 0.99),
    ...(recomputedBefore !== undefined && recomputedAfter !== undefined
      ? { rollupsRecomputed: recomputedAfter - recomputedBefore }
      : {}),
  };
}

/**
 * Waits until the app's runtime reports itself running (`gridpulse_runtime_up` 1: every shard
 * subscribed), as the app serves HTTP before its shards have subscribed and a reading published before
 * that reaches nobody. Resolves false on timeout, true at once when the app has no such metric.
 */
export async function waitForRuntime(appUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const text = await fetchMetrics(appUrl);
    if (text !== undefined) {
      const up = metricSum(text, "gridpulse_runtime_up");
      if (up === undefined || up >= 1) return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
